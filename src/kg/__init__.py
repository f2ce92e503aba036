"""kg: a knowledge graph of conflict events from news reports.

Public API: `kg.pipeline.build`, `kg.annotation.load_corpus`, `kg.mapping.build_graph`,
`kg.validation.validate_graph`. Importing kg has no side effects.
"""

__version__ = "0.1.0"
