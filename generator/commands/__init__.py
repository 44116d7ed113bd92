"""What each `winback` command does; `generator.cli` only parses arguments."""
