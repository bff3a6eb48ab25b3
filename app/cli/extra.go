package cli

import "github.com/spf13/cobra"

// extraCommands lists the sync, review, runs, scheduler and bench commands.
func (r *root) extraCommands() []*cobra.Command {
	return []*cobra.Command{r.syncCmd(), r.reviewCmd(), r.runsCmd(), r.schedulerCmd(), r.benchCmd()}
}
