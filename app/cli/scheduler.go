package cli

import (
	"fmt"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/crmsync/crmsync/app"
)

func (r *root) schedulerCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "scheduler",
		Short: "Run scheduled syncs in the foreground until interrupted (for a server or a login item)",
		Long:  "Runs every enabled sync on its schedule. On SIGINT/SIGTERM it stops starting runs; a run in flight stops between batches, keeping what it committed.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			a, err := r.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			s, err := a.NewScheduler(ctx)
			if err != nil {
				return err
			}
			go a.FollowSyncs(ctx, s, app.FollowInterval)
			go func() {
				for ev := range s.Events() {
					if ev.Err != nil {
						fmt.Fprintf(cmd.ErrOrStderr(), "%s %s %s: %v\n", ev.At.Format("15:04:05"), ev.Sync, ev.Kind, ev.Err)
					} else {
						fmt.Fprintf(cmd.ErrOrStderr(), "%s %s %s\n", ev.At.Format("15:04:05"), ev.Sync, ev.Kind)
					}
				}
			}()
			fmt.Fprintln(cmd.ErrOrStderr(), "Scheduler running; press Ctrl+C to stop.")
			return s.Run(ctx)
		},
	}
}
