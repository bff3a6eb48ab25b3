package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// shownRecords is how many errors, and records' fields written, `runs
// show` lists without --all: a run can fail for, or write, each of 100k
// records, and a wall of 850k lines helps nobody (as rclone, it sums up
// and says how to see the rest).
const shownRecords = 20

// tablePage is how many rows a streamed table aligns at a time: tabwriter
// holds every row until it is flushed.
const tablePage = 500

func auditJSON(x store.AuditRow) auditOut {
	return auditOut{Side: x.Side, RecordID: x.RecordID, Field: x.Field, Old: x.Old, New: x.New, Rule: x.Rule, At: x.At}
}

func runErrorJSON(e store.RunErrorRow) runErrorOut {
	return runErrorOut{Side: e.Side, RecordID: e.RecordID, Category: e.Category, Field: e.Field, Code: e.Code, Message: e.Message, At: e.At}
}

func (r *root) runsShowCmd() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a run: counts, record errors with the vendor's message, and the fields changed (old → new); --all lists every one",
		Args:  func(cmd *cobra.Command, args []string) error { return runIDArg(args) },
		RunE: r.withApp(func(cmd *cobra.Command, args []string, a *app.App) error {
			id, _ := parseID(args[0], runIDKind())
			if err := knownRun(cmd.Context(), a, id); err != nil {
				return err
			}
			first := shownRecords
			if all || r.json {
				first = 0 // streamed below, a page at a time
			}
			d, err := a.RunDetailPage(cmd.Context(), id, first)
			if err != nil {
				return err
			}
			bw := bufio.NewWriter(cmd.OutOrStdout())
			switch {
			case r.json:
				err = showRunJSON(cmd, bw, a, d)
			case all:
				err = showRunAll(cmd, bw, a, d)
			default:
				showRunSummary(bw, d)
			}
			if ferr := bw.Flush(); err == nil {
				err = ferr
			}
			return err
		}),
	}
	cmd.Flags().BoolVar(&all, "all", false, "list every error and every field written (read a page at a time)")
	negativeIDFlagErrors(cmd, runIDKind())
	return cmd
}

// showRunHead prints a run's counts, message, warnings and kinds of
// failure: what `runs show` prints before the rows.
func showRunHead(w io.Writer, d app.RunDetail) {
	o := runJSON(d)
	fmt.Fprintf(w, "Run %d of %s (%s): %s, started %s\n", o.ID, o.Sync, o.Trigger, o.Status, o.Started.Format(time.DateTime))
	fmt.Fprintf(w, "created %d, updated %d, deleted %d, unchanged %d, conflicts %d, review %d, failed %d; API calls: %s\n",
		o.Created, o.Updated, o.Deleted, o.Unchanged, o.Conflicts, o.Review, o.Failed, d.Sides.Calls(o.APICallsA, o.APICallsB))
	// Texts stored by older runs say "side B": they read as newer ones.
	if o.Message != "" {
		fmt.Fprintln(w, d.Sides.InText(o.Message))
	}
	if len(o.Warnings) > 0 {
		fmt.Fprintln(w, "\nWarnings:")
		for _, x := range o.Warnings {
			fmt.Fprintln(w, "  "+d.Sides.InText(x))
		}
		if o.WarningsOmitted > 0 {
			fmt.Fprintf(w, "  … and %d more not listed\n", o.WarningsOmitted)
		}
	}
	if len(d.Groups) > 0 {
		fmt.Fprintln(w, "\nErrors by kind:")
		for _, g := range d.Groups {
			fmt.Fprintln(w, "  "+g.Line())
		}
	}
}

// printRunError lists one record's error, naming its CRM; a message stored
// saying "side B" (by an older run) reads as newer ones.
func printRunError(w io.Writer, names app.SideNames, e store.RunErrorRow) {
	fmt.Fprintf(w, "  %s record %s [%s] %s %s: %s\n", names.Of(e.Side), e.RecordID, e.Category, e.Field, e.Code, names.InText(e.Message))
}

// showRunSummary prints the head, the first errors and fields written of
// d (a RunDetailPage), and how many more `--all` lists.
func showRunSummary(w io.Writer, d app.RunDetail) {
	showRunHead(w, d)
	if len(d.Errors) > 0 {
		fmt.Fprintln(w, "\nErrors:")
		for _, e := range d.Errors {
			printRunError(w, d.Sides, e)
		}
		if d.ErrorTotal > len(d.Errors) {
			fmt.Fprintf(w, "  %d errors, the first %d shown; `crmsync runs show %d --all` lists them all\n", d.ErrorTotal, len(d.Errors), d.Run.ID)
		}
	}
	if len(d.Audit) > 0 {
		fmt.Fprintln(w, "\nFields written:")
		rows := make([]auditOut, len(d.Audit))
		for i, x := range d.Audit {
			rows[i] = auditJSON(x)
		}
		printFieldChanges(w, d.Sides, rows)
		if d.AuditTotal > len(d.Audit) {
			fmt.Fprintf(w, "  %d fields written, the first %d shown; `crmsync runs show %d --all` lists them all\n", d.AuditTotal, len(d.Audit), d.Run.ID)
		}
	}
}

// showRunAll prints the head, then every error and field written of the
// run, read and printed a page at a time.
func showRunAll(cmd *cobra.Command, w io.Writer, a *app.App, d app.RunDetail) error {
	showRunHead(w, d)
	if d.ErrorTotal > 0 {
		fmt.Fprintln(w, "\nErrors:")
		err := a.EachRunError(cmd.Context(), d.Run.ID, func(e store.RunErrorRow) error {
			printRunError(w, d.Sides, e)
			return nil
		})
		if err != nil {
			return err
		}
	}
	if d.AuditTotal == 0 {
		return nil
	}
	fmt.Fprintln(w, "\nFields written:")
	page := make([]auditOut, 0, tablePage)
	err := a.EachAuditRow(cmd.Context(), d.Run.ID, func(x store.AuditRow) error {
		if page = append(page, auditJSON(x)); len(page) == tablePage {
			printFieldChanges(w, d.Sides, page)
			page = page[:0]
		}
		return nil
	})
	if len(page) > 0 {
		printFieldChanges(w, d.Sides, page)
	}
	return err
}

// runDetailHead is runs show --json's object before its errors and audit,
// which showRunJSON streams: the same document as when it was built whole.
type runDetailHead struct {
	runOut
	Groups []app.ErrorGroup `json:"error_groups"`
}

// showRunJSON writes the run as one JSON object holding every error and
// field written, streamed a page at a time so memory does not grow with
// the run.
func showRunJSON(cmd *cobra.Command, w io.Writer, a *app.App, d app.RunDetail) error {
	head, err := json.MarshalIndent(runDetailHead{runOut: runJSON(d), Groups: d.Groups}, "", "  ")
	if err != nil {
		return err
	}
	w.Write(head[:len(head)-2]) // without "\n}": the arrays follow
	errs := jsonArray{w: w, name: "errors"}
	if err := a.EachRunError(cmd.Context(), d.Run.ID, func(e store.RunErrorRow) error { return errs.add(runErrorJSON(e)) }); err != nil {
		return err
	}
	errs.end()
	audit := jsonArray{w: w, name: "audit"}
	if err := a.EachAuditRow(cmd.Context(), d.Run.ID, func(x store.AuditRow) error { return audit.add(auditJSON(x)) }); err != nil {
		return err
	}
	audit.end()
	_, err = io.WriteString(w, "\n}\n")
	return err
}

// jsonArray writes one array member of an object indented as emit's,
// an element at a time.
type jsonArray struct {
	w    io.Writer
	name string
	n    int
}

func (j *jsonArray) add(v any) error {
	b, err := json.MarshalIndent(v, "    ", "  ")
	if err != nil {
		return err
	}
	if j.n == 0 {
		fmt.Fprintf(j.w, ",\n  %q: [", j.name)
	} else {
		io.WriteString(j.w, ",")
	}
	j.n++
	fmt.Fprintf(j.w, "\n    %s", b)
	return nil
}

func (j *jsonArray) end() {
	if j.n == 0 {
		fmt.Fprintf(j.w, ",\n  %q: []", j.name)
		return
	}
	io.WriteString(j.w, "\n  ]")
}
