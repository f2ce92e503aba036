"""One build: the stages in order (`stages`), the dumps' writers (`dumps`) and the cache (`cache`)."""
