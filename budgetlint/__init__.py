"""budgetlint: a rules-as-code compliance checker for Chinese government budget disclosures."""

__version__ = "0.1.0"
