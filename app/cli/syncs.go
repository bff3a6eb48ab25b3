package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/syncfile"
	"github.com/crmsync/crmsync/sync/engine"
)

func (r *root) syncCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "sync", Short: "Create, list, export, delete and run syncs", Args: cobra.NoArgs}
	cmd.AddCommand(r.syncApplyCmd(), r.syncExportCmd(), r.syncListCmd(), r.syncDeleteCmd(), r.syncRunCmd())
	return cmd
}

func (r *root) syncApplyCmd() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "apply -f FILE.yaml",
		Short: "Create or update a sync from a YAML file, after full validation",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var data []byte
			var err error
			if file == "-" {
				data, err = io.ReadAll(cmd.InOrStdin())
			} else {
				data, err = os.ReadFile(file)
			}
			if err != nil {
				return withCode(ExitUsage, fmt.Errorf("cannot read %s: %w", file, errors.Unwrap(err)))
			}
			doc, err := syncfile.Parse(data)
			if err != nil {
				return withCode(ExitUsage, fileProblems(file, err))
			}
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			def := doc.File.Definition()
			if err := knownSides(cmd.Context(), a, file, doc, def); err != nil {
				return err
			}
			_, missing := a.Sync(cmd.Context(), def.Name) // an error: not saved before
			err = a.SaveSync(cmd.Context(), def)
			var inv *app.InvalidError
			if errors.As(err, &inv) {
				return withCode(ExitUsage, fileProblems(file, doc.Locate(inv.Problems)))
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Saved sync %s (%s %s ⇄ %s %s)\n", def.Name, def.A.Connection, def.A.Object, def.B.Connection, def.B.Object)
			v, err := a.Sync(cmd.Context(), def.Name)
			if err != nil {
				return fmt.Errorf("reading back sync %s: %w", def.Name, err)
			}
			// A full pass is due only on a sync that has read (run or
			// previewed); say so whichever it was.
			if v.FullPass != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "Its next run reads every record and merges every linked pair again, because %s.\n", v.FullPass)
			}
			if !r.json {
				return nil
			}
			return r.emit(cmd.OutOrStdout(), appliedOut{syncOut: syncJSON(v), Created: missing != nil}, nil)
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "the sync definition (YAML), or - for stdin")
	_ = cmd.MarkFlagRequired("file")
	return cmd
}

func (r *root) syncExportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "export NAME",
		Short: "Print a sync's definition as YAML",
		Args:  cobra.ExactArgs(1),
		RunE: r.withApp(func(cmd *cobra.Command, args []string, a *app.App) error {
			if err := knownSync(cmd.Context(), a, args[0]); err != nil {
				return err
			}
			v, err := a.Sync(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			out, err := syncfile.Marshal(syncfile.FromDefinition(v.Definition))
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(out)
			return err
		}),
	}
}

type syncOut struct {
	Name       string         `json:"name"`
	A          engine.SideDef `json:"a"`
	B          engine.SideDef `json:"b"`
	Direction  string         `json:"direction"`
	Schedule   string         `json:"schedule"`
	Paused     bool           `json:"paused"`
	Health     string         `json:"health"`
	OpenReview int            `json:"open_review"`
	LastRun    *runOut        `json:"last_run,omitempty"`
	// FullPassDue says why the next run reads and merges everything again.
	FullPassDue string `json:"full_pass_due,omitempty"`
}

// appliedOut is `sync apply --json`: the sync as saved, and whether it is new.
type appliedOut struct {
	syncOut
	Created bool `json:"created"`
}

func syncJSON(v app.SyncView) syncOut {
	d := v.Definition
	out := syncOut{Name: d.Name, A: d.A, B: d.B, Direction: string(d.Direction), Schedule: d.Schedule, Paused: v.Paused, Health: v.Health, OpenReview: v.OpenReview, FullPassDue: v.FullPass}
	if v.LastRun != nil {
		ro := runJSON(app.RunDetail{Run: *v.LastRun, Sync: d.Name})
		out.LastRun = &ro
	}
	return out
}

func (r *root) syncListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List syncs with their health and last run",
		Args:  cobra.NoArgs,
		RunE: r.withApp(func(cmd *cobra.Command, _ []string, a *app.App) error {
			vs, err := a.Syncs(cmd.Context())
			if err != nil {
				return err
			}
			out := make([]syncOut, len(vs))
			for i, v := range vs {
				out[i] = syncJSON(v)
			}
			return r.emit(cmd.OutOrStdout(), out, func() {
				if len(vs) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "No syncs yet. Create one with: crmsync sync apply -f contacts.yaml")
					return
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "NAME\tA\tB\tDIRECTION\tSCHEDULE\tHEALTH\tLAST RUN")
				for _, o := range out {
					last := "never"
					if o.LastRun != nil {
						last = fmt.Sprintf("%s %s", o.LastRun.Status, o.LastRun.Started.Format(time.DateTime))
					}
					fmt.Fprintf(w, "%s\t%s %s\t%s %s\t%s\t%s\t%s\t%s\n", o.Name, o.A.Connection, o.A.Object, o.B.Connection, o.B.Object, o.Direction, o.Schedule, o.Health, last)
				}
				w.Flush()
			})
		}),
	}
}

func (r *root) syncDeleteCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a sync and its history (records in the CRMs are not touched)",
		Args:  cobra.ExactArgs(1),
		RunE: r.withApp(func(cmd *cobra.Command, args []string, a *app.App) error {
			if err := knownSync(cmd.Context(), a, args[0]); err != nil {
				return err
			}
			if err := a.DeleteSync(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Deleted sync %s\n", args[0])
			return nil
		}),
	}
}

func (r *root) syncRunCmd() *cobra.Command {
	var opts app.RunOptions
	var all bool
	cmd := &cobra.Command{
		Use:   "run NAME | --all",
		Short: "Preview (--dry-run) or run a sync, or run them all",
		Long: "Plans the sync and applies it. --dry-run prints the plan and writes nothing to a CRM.\nA plan over the safety limits stops with exit code 3 unless --yes.\n" +
			"--all runs every sync that is not paused, once, each after the syncs its link: rows translate through; one sync's failure does not stop the others.\n\n" + exitCodesHelp,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case all && len(args) > 0:
				return withCode(ExitUsage, errors.New("give a sync's name or --all, not both"))
			case all && (opts.DryRun || opts.FullResync):
				return withCode(ExitUsage, errors.New("--all runs each sync; preview or resync one with `crmsync sync run NAME --dry-run` or `--resync`"))
			case all:
				return nil
			}
			return cobra.ExactArgs(1)(cmd, args)
		},
		RunE: r.withApp(func(cmd *cobra.Command, args []string, a *app.App) error {
			if all {
				out, err := a.RunAll(cmd.Context(), app.RunOptions{Trigger: "cli", Confirm: opts.Confirm}, nil)
				return r.reportRunAll(cmd, out, err)
			}
			if err := knownSync(cmd.Context(), a, args[0]); err != nil {
				return err
			}
			opts.Trigger = "cli"
			start := time.Now()
			res, err := a.Run(cmd.Context(), args[0], opts)
			return r.reportRun(cmd, res, err, time.Since(start))
		}),
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "preview the plan; write nothing")
	cmd.Flags().BoolVar(&opts.Confirm, "yes", false, "confirm a plan that exceeds the safety limits")
	cmd.Flags().BoolVar(&opts.FullResync, "resync", false, "read everything, not just changes since the last run")
	cmd.Flags().BoolVar(&all, "all", false, "run every sync that is not paused, in the order their links need")
	return cmd
}

// syncOutcomeOut is one sync's part of `sync run --all --json`.
type syncOutcomeOut struct {
	Sync   string `json:"sync"`
	Paused bool   `json:"paused,omitempty"`
	// AlreadyRunning: a run of the sync was under way (the window's,
	// a scheduler's), so it was not started again; no failure.
	AlreadyRunning bool               `json:"already_running,omitempty"`
	Result         *engine.RunSummary `json:"result,omitempty"`
	Failures       []app.ErrorGroup   `json:"failures,omitempty"`
	Error          string             `json:"error,omitempty"`
}

// reportRunAll prints a line per sync and maps the worst outcome to an
// exit code: an error 1, a partial run 4, a plan over its safety limits 3.
// A sync already running elsewhere is being synced, as in the window's
// Sync all: no failure.
func (r *root) reportRunAll(cmd *cobra.Command, outcomes []app.SyncOutcome, err error) error {
	out := make([]syncOutcomeOut, len(outcomes))
	code, worst := 0, ""
	for i, o := range outcomes {
		out[i] = syncOutcomeOut{Sync: o.Sync, Paused: o.Paused, Result: o.Result.Summary, Failures: o.Result.Failures}
		switch {
		case o.AlreadyRunning():
			out[i].AlreadyRunning = true
		case o.NeedsConfirmation():
			out[i].Error = o.Err.Error()
			if code == 0 {
				code, worst = ExitConfirm, o.Line()+"; rerun with --yes to apply every such plan"
			}
		case o.Err != nil || o.Result.Summary != nil && o.Result.Summary.Status == "failed":
			if o.Err != nil {
				out[i].Error = o.Err.Error()
			}
			code, worst = 1, o.Line()
		case o.Result.Summary != nil && o.Result.Summary.Status == "partial" && code != 1:
			code, worst = ExitPartial, o.Line()
		}
	}
	w := cmd.OutOrStdout()
	_ = r.emit(w, out, func() {
		for _, o := range outcomes {
			fmt.Fprintln(w, o.Line())
		}
	})
	switch {
	case err != nil:
		return err
	case code == 1:
		return fmt.Errorf("not every sync ran: %s", worst)
	case code != 0:
		return withCode(code, errors.New(worst))
	}
	return nil
}

type runResultOut struct {
	Sync     string             `json:"sync,omitempty"`
	DryRun   bool               `json:"dry_run"`
	Plan     *engine.Plan       `json:"plan,omitempty"`
	Result   *engine.RunSummary `json:"result,omitempty"`
	Waiting  []app.SyncWait     `json:"waiting,omitempty"`  // syncs whose references wait for this one's links
	Failures []app.ErrorGroup   `json:"failures,omitempty"` // the failed records grouped by how they failed
	Duration float64            `json:"duration_seconds"`
	Error    string             `json:"error,omitempty"`
}

// reportRun prints a plan or a run's result and maps it to an exit code.
func (r *root) reportRun(cmd *cobra.Command, res app.RunResult, err error, took time.Duration) error {
	if s := res.Summary; s != nil && s.RunID == 0 && s.Status == "" {
		res.Summary = nil // refused before a run opened: no run to report
	}
	if errors.Is(err, engine.ErrStalePlan) && res.Plan != nil {
		// Another crmsync (the window, the scheduler, a second cron job)
		// ran this sync while this one planned; its plan was refused whole.
		err = fmt.Errorf("another run of %s finished while this one was planning, so nothing was written; run it again (%w)", res.Plan.Sync, err)
	}
	out := runResultOut{Plan: res.Plan, Result: res.Summary, Waiting: res.Waiting, Failures: res.Failures, DryRun: res.Summary == nil && err == nil, Duration: took.Seconds()}
	if res.Plan != nil {
		out.Sync = res.Plan.Sync
	}
	if err != nil {
		out.Error = err.Error()
	}
	if res.Plan == nil && err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	_ = r.emit(w, out, func() {
		if res.Plan != nil {
			fmt.Fprintln(w, res.Plan.Summary())
			if res.Summary == nil {
				printPlanChanges(w, res.Sides, res.Plan) // not applied: what it would write
			}
		}
		if s := res.Summary; s != nil && s.Status != "needs_confirmation" {
			fmt.Fprintf(w, "Run %d: %s — created %d, updated %d, deleted %d, linked %d, unchanged %d, conflicts %d, review %d, failed %d%s; API calls: %s; %s\n",
				s.RunID, s.Status, s.Created, s.Updated, s.Deleted, s.Linked, s.Unchanged, s.Conflicts, s.Review, s.Failed, app.UnknownCount(*s), res.Sides.Calls(s.APICallsA, s.APICallsB), took.Round(time.Millisecond))
			if s.Message != "" {
				fmt.Fprintln(w, "  "+s.Message)
			}
			printGroups(w, res.Failures, s.RunID)
		}
		for _, sw := range res.Waiting {
			fmt.Fprintln(w, sw.Line())
		}
	})
	switch {
	case errors.Is(err, engine.ErrNeedsConfirmation):
		held := ""
		if s := res.Summary; s != nil && s.Review > 0 {
			// Held, its plan still put these in Review (History counts
			// them), as the window's confirmation says.
			held = fmt.Sprintf("; %d already in Review from this plan, waiting there whether you apply it or not", s.Review)
		}
		return withCode(ExitConfirm, fmt.Errorf("not applied: %s%s; review the plan and rerun with --yes", res.Plan.Reason, held))
	case err != nil:
		return err
	case res.Summary != nil && res.Summary.Status == "partial":
		return withCode(ExitPartial, fmt.Errorf("run %d finished partially: %s; see `crmsync runs show %d`", res.Summary.RunID, res.Summary.Message, res.Summary.RunID))
	case res.Summary != nil && res.Summary.Status == "failed":
		return fmt.Errorf("run %d failed: %s; see `crmsync runs show %d`", res.Summary.RunID, res.Summary.Message, res.Summary.RunID)
	case res.Summary != nil && res.Summary.Status == "cancelled":
		return fmt.Errorf("run %d was cancelled; what was committed is kept", res.Summary.RunID)
	}
	return nil
}

// fileProblems prints each problem as "FILE: line N: message", one per line.
func fileProblems(file string, err error) error {
	var ps syncfile.Problems
	if !errors.As(err, &ps) {
		return fmt.Errorf("%s: %w", file, err)
	}
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = file + ": " + p.String()
	}
	return errors.New(strings.Join(lines, "\n"))
}
