"""`python -m budgetlint`."""

from budgetlint.cli import main

# Guarded: a spawned worker of `check --jobs N` (macOS, Windows) imports the main module again
# under another name, and must not run the command line a second time.
if __name__ == "__main__":
    main()
