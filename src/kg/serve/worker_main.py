"""`python -m kg.serve.worker_main`: one query worker of `kg serve` (see kg.serve.workers)."""

from kg.serve.workers import stdio_main

if __name__ == "__main__":
    stdio_main()
