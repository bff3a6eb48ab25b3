package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmsync/crmsync/app/bench"
	"github.com/crmsync/crmsync/sync/sandbox"
)

func (r *root) benchCmd() *cobra.Command {
	var (
		opts       bench.Options
		inProcess  bool
		noRate     bool
		contacts   int
		changedPct int
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure API calls, time, CPU and memory of a sync on the sandbox CRMs",
		Long: "Starts the HubSpot and Salesforce sandboxes with their real rate limits, seeds N contacts in each\n" +
			"(about 30 % sharing an email), connects both through OAuth on a fresh data folder, and measures three runs:\n" +
			"the initial two-way sync, a run with no change, and a run after P % of each side was edited through the\n" +
			"vendor API. API calls are counted by the sandbox and compared with the vendors' floor\n" +
			"(HubSpot search 200/page, batch 100; Salesforce SOQL 2000/page, collections 200).\n\n" +
			"By default the sandbox runs as a child process, so CPU and memory figures are crmsync's alone.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if contacts <= 0 {
				return withCode(ExitUsage, fmt.Errorf("--contacts must be > 0, got %d", contacts))
			}
			if changedPct < 1 || changedPct > 100 {
				return withCode(ExitUsage, fmt.Errorf("--changed-percent must be 1..100, got %d", changedPct))
			}
			opts.Contacts, opts.ChangedPercent, opts.NoRateLimits = contacts, changedPct, noRate
			if !inProcess {
				exe, err := os.Executable()
				if err != nil {
					return fmt.Errorf("bench: cannot find this program to start the sandbox process (%v); use --in-process", err)
				}
				opts.SandboxCommand = []string{exe, "bench", "serve-sandbox"}
			}
			if !r.json {
				opts.Out = cmd.ErrOrStderr()
			}
			if r.home != "" {
				opts.Home = r.home
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			rep, err := bench.Run(ctx, opts)
			if err != nil {
				if len(rep.Runs) > 0 {
					rep.Text(cmd.ErrOrStderr())
				}
				return err
			}
			return r.emit(cmd.OutOrStdout(), rep, func() { rep.Text(cmd.OutOrStdout()) })
		},
	}
	f := cmd.Flags()
	f.IntVar(&contacts, "contacts", 10000, "contacts to seed in each vendor")
	f.IntVar(&changedPct, "changed-percent", 10, "percent of each side's records to edit before the third run")
	f.DurationVar(&opts.Latency, "latency", 0, "latency the sandbox adds to every API request, e.g. 50ms")
	f.BoolVar(&inProcess, "in-process", false, "run the sandbox inside this process (its CPU and memory then count too)")
	f.BoolVar(&noRate, "no-rate-limits", false, "switch the sandboxes' rate limits off")
	f.StringVar(&opts.CPUProfile, "cpuprofile", "", "write a pprof CPU profile of the runs to this file")
	f.StringVar(&opts.MemProfile, "memprofile", "", "write a pprof allocation profile after the runs to this file")
	f.Int64Var(&opts.Seed, "seed", 1, "sandbox random seed")
	cmd.AddCommand(serveSandboxCmd())
	return cmd
}

// serveSandboxCmd is the child process `crmsync bench` starts: the sandbox
// with a daily limit that does not end a large benchmark, one JSON line per
// vendor on stdout, and no output after that.
func serveSandboxCmd() *cobra.Command {
	var (
		listen  string
		opts    sandbox.Options
		noRate  bool
		latency time.Duration
	)
	cmd := &cobra.Command{
		Use:    "serve-sandbox",
		Short:  "Serve the sandbox for a benchmark (started by crmsync bench)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.RateLimits, opts.Latency = !noRate, latency
			liftMemoryLimit()
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			srv, err := sandbox.Start(ctx, listen, opts)
			if err != nil {
				return err
			}
			defer srv.Close()
			enc := json.NewEncoder(cmd.OutOrStdout())
			for _, v := range srv.Vendors() {
				if err := enc.Encode(v); err != nil {
					return err
				}
			}
			<-ctx.Done()
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "127.0.0.1:0", "loopback address")
	f.Int64Var(&opts.Seed, "seed", 1, "random seed")
	f.IntVar(&opts.Contacts, "contacts", 10000, "contacts per vendor")
	f.IntVar(&opts.SalesforceDailyLimit, "salesforce-daily-limit", 10_000_000, "Salesforce daily API allocation")
	f.DurationVar(&latency, "latency", 0, "latency added to every API request")
	f.BoolVar(&noRate, "no-rate-limits", false, "switch rate limits off")
	return cmd
}
