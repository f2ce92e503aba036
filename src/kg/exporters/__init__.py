"""Exporters: RDF dumps with their VoID description, and Gephi network files."""
