package cli

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

type runOut struct {
	ID        int64     `json:"id"`
	Sync      string    `json:"sync"`
	Trigger   string    `json:"trigger"`
	Status    string    `json:"status"`
	UndoOf    int64     `json:"undo_of,omitempty"`
	Started   time.Time `json:"started"`
	Finished  time.Time `json:"finished,omitzero"`
	Created   int       `json:"created"`
	Updated   int       `json:"updated"`
	Deleted   int       `json:"deleted"`
	Unchanged int       `json:"unchanged"`
	Conflicts int       `json:"conflicts"`
	Review    int       `json:"review"`
	Failed    int       `json:"failed"`
	APICallsA int64     `json:"api_calls_a"`
	APICallsB int64     `json:"api_calls_b"`
	Message   string    `json:"message,omitempty"`
	Warnings  []string  `json:"warnings,omitempty"`
	// WarningsOmitted counts the warnings past those listed.
	WarningsOmitted int `json:"warnings_omitted,omitempty"`
}

func runJSON(d app.RunDetail) runOut {
	r := d.Run
	return runOut{ID: r.ID, Sync: d.Sync, Trigger: r.Trigger, Status: r.Status, UndoOf: r.UndoOf, Started: r.StartedAt, Finished: r.FinishedAt,
		Created: r.Created, Updated: r.Updated, Deleted: r.Deleted, Unchanged: r.Unchanged, Conflicts: r.Conflicts, Review: r.Review, Failed: r.Failed,
		APICallsA: r.APICallsA, APICallsB: r.APICallsB, Message: r.Message, Warnings: r.Warnings, WarningsOmitted: r.WarningsOmitted}
}

func (r *root) runsCmd() *cobra.Command {
	var sync string
	var limit int
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List runs; `runs show ID` for one run's audit; `runs undo ID` to undo it",
		Args:  cobra.NoArgs,
		RunE: r.withApp(func(cmd *cobra.Command, _ []string, a *app.App) error {
			if sync != "" {
				if err := knownSync(cmd.Context(), a, sync); err != nil {
					return err
				}
			}
			ds, err := a.Runs(cmd.Context(), sync, limit)
			if err != nil {
				return err
			}
			out := make([]runOut, len(ds))
			for i, d := range ds {
				out[i] = runJSON(d)
			}
			return r.emit(cmd.OutOrStdout(), out, func() {
				if len(out) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "No runs yet. Run a sync with: crmsync sync run NAME --dry-run")
					return
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				// The calls name each run's own connections, last, where their
				// length widens no other column ("A/B" meant nothing to a reader).
				fmt.Fprintln(w, "ID\tSYNC\tSTARTED\tTRIGGER\tSTATUS\tCREATED\tUPDATED\tDELETED\tFAILED\tAPI CALLS")
				for i, o := range out {
					fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", o.ID, o.Sync, o.Started.Format(time.DateTime), o.Trigger, o.Status, o.Created, o.Updated, o.Deleted, o.Failed, ds[i].Sides.Calls(o.APICallsA, o.APICallsB))
				}
				w.Flush()
			})
		}),
	}
	cmd.Flags().StringVar(&sync, "sync", "", "only this sync's runs")
	cmd.Flags().IntVar(&limit, "limit", 50, "runs per sync")
	cmd.AddCommand(r.runsShowCmd(), r.runsUndoCmd())
	return cmd
}

// auditOut is one field written, in the snake_case the rest of --json uses.
type auditOut struct {
	Side     string    `json:"side"`
	RecordID string    `json:"record_id"`
	Field    string    `json:"field"`
	Old      string    `json:"old"`
	New      string    `json:"new"`
	Rule     string    `json:"rule,omitempty"`
	At       time.Time `json:"at"`
}

// runErrorOut is one record's failure with the vendor's own message.
type runErrorOut struct {
	Side     string    `json:"side"`
	RecordID string    `json:"record_id"`
	Category string    `json:"category"`
	Field    string    `json:"field,omitempty"`
	Code     string    `json:"code,omitempty"`
	Message  string    `json:"message"`
	At       time.Time `json:"at"`
}

func (r *root) runsUndoCmd() *cobra.Command {
	var opts app.RunOptions
	cmd := &cobra.Command{
		Use:   "undo ID",
		Short: "Write back the old values of a run wherever they were not changed since",
		Args:  func(cmd *cobra.Command, args []string) error { return runIDArg(args) },
		RunE: r.withApp(func(cmd *cobra.Command, args []string, a *app.App) error {
			id, _ := parseID(args[0], runIDKind())
			if err := knownRun(cmd.Context(), a, id); err != nil {
				return err
			}
			start := time.Now()
			res, err := a.Undo(cmd.Context(), id, opts)
			return r.reportRun(cmd, res, err, time.Since(start))
		}),
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "preview the undo; write nothing")
	cmd.Flags().BoolVar(&opts.Confirm, "yes", false, "confirm an undo that exceeds the safety limits")
	negativeIDFlagErrors(cmd, runIDKind())
	return cmd
}

// runIDArg checks the one run-id argument before the data folder is opened,
// so a typo is a usage error (exit 2).
func runIDArg(args []string) error {
	if len(args) != 1 {
		return withCode(ExitUsage, fmt.Errorf("give one run id"))
	}
	_, err := parseID(args[0], runIDKind())
	return err
}

// shownGroups is how many kinds of failure a run's result lists; the rest
// are in `crmsync runs show`.
const shownGroups = 5

// printGroups lists a run's failures by kind under its result line.
func printGroups(w io.Writer, groups []app.ErrorGroup, runID int64) {
	for i, g := range groups {
		if i == shownGroups {
			fmt.Fprintf(w, "  … and %d more kinds of failure; see `crmsync runs show %d`\n", len(groups)-shownGroups, runID)
			break
		}
		fmt.Fprintln(w, "  "+g.Line())
	}
}

// printFieldChanges lists field changes as a table, old → new.
func printFieldChanges(w io.Writer, names app.SideNames, rows []auditOut) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  CRM\tRECORD\tFIELD\tOLD\t→\tNEW\tRULE")
	for _, x := range rows {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%q\t→\t%q\t%s\n", names.Of(x.Side), x.RecordID, x.Field, x.Old, x.New, x.Rule)
	}
	tw.Flush()
}

// shownChanges is how many field changes a text preview lists; the rest
// are in --json.
const shownChanges = 10

// printPlanChanges lists a plan's first field changes under its counts.
func printPlanChanges(w io.Writer, names app.SideNames, p *engine.Plan) {
	var rows []auditOut
	more := 0
	for _, ws := range [][]engine.Write{p.Creates, p.Updates} {
		for _, x := range ws {
			id := x.ID
			if id == "" {
				id = "new"
				if x.Key != "" {
					id += " " + x.Key
				}
			}
			for _, c := range x.Changes {
				if len(rows) == shownChanges {
					more++
					continue
				}
				rows = append(rows, auditOut{Side: x.Side, RecordID: id, Field: c.Field, Old: c.Old, New: c.New, Rule: c.Rule})
			}
		}
	}
	if len(rows) == 0 {
		return
	}
	printFieldChanges(w, names, rows)
	switch {
	case p.Omitted != nil && p.Omitted.Creates+p.Omitted.Updates > 0:
		fmt.Fprintf(w, "  … and %d more field changes, and the changes of %d records not listed\n", more, p.Omitted.Creates+p.Omitted.Updates)
	case more > 0:
		fmt.Fprintf(w, "  … and %d more field changes; see --json\n", more)
	}
}
