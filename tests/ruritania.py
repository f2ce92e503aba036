"""The invented registry of the extraction rule tests: Ruritania (a country, two cities, its state and
national guard), a broadcaster, an armed group with a short name, a person and a registry event. Invented
so that no rule is tested on a real text; shared by tests/test_extract_*.py."""

REGISTRY = """\
places:
  - id: ruritania
    type: country
    label: {en: Ruritania, id: Ruritania}
  - id: strelsau
    type: city
    label: {en: Strelsau, id: Strelsau}
    within: ruritania
  - id: zenda
    type: city
    label: {en: Zenda, id: Zenda}
    within: ruritania
states:
  - id: kingdom-of-ruritania
    label: {en: Kingdom of Ruritania, id: Kerajaan Ruritania}
    territory: ruritania
organisations:
  - id: voa
    label: {en: Voice of America, id: Voice of America}
  - id: ruritanian-national-guard
    label: {en: Ruritanian National Guard, id: Garda Nasional Ruritania}
groups:
  - id: red-hand
    type: armed-group
    label: {en: Red Hand Brigade (RHB), id: Brigade Tangan Merah (RHB)}
people:
  - id: rudolf-rassendyll
    label: {en: Rudolf Rassendyll, id: Rudolf Rassendyll}
events:
  - id: ruritanian-unrest-2023
    type: unrest
    label: {en: "Unrest in Ruritania, March 2023"}
"""
