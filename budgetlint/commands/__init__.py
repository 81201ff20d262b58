"""The subcommands of `budgetlint`, one module per group."""
