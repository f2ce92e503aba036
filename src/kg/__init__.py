"""kg: a knowledge graph of conflict events from news reports.

Public API: `kg.pipeline.build` (the stages of `kg.build.stages`), `kg.sources.SOURCES`,
`kg.project.load_settings` (kg.toml), `kg.annotation.load_corpus`, `kg.mapping.build_graph`,
`kg.validation.validate_graph`. Importing kg has no side effects.
"""

__version__ = "0.1.0"
