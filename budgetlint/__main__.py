"""`python -m budgetlint`."""

from budgetlint.cli import main

main()
