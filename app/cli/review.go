package cli

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/crmsync/crmsync/app"

	"github.com/crmsync/crmsync/sync/engine"
)

type reviewOut struct {
	ID       int64           `json:"id"`
	Sync     string          `json:"sync"`
	Kind     string          `json:"kind"`
	Status   string          `json:"status"`
	Side     string          `json:"side"`
	RecordID string          `json:"record_id"`
	OtherID  string          `json:"other_id,omitempty"`
	Field    string          `json:"field,omitempty"`
	Detail   json.RawMessage `json:"detail"`
}

func (r *root) reviewCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "review", Short: "List and resolve what needs a person", Args: cobra.NoArgs}
	var sync, kind, status string
	list := &cobra.Command{
		Use:   "list",
		Short: "List review items (" + strings.Join(reviewKinds, ", ") + ")",
		Args:  cobra.NoArgs,
		RunE: r.withApp(func(cmd *cobra.Command, _ []string, a *app.App) error {
			// A misspelt kind or status matches nothing: say so rather
			// than "Nothing needs your attention".
			if kind != "" && !slices.Contains(reviewKinds, kind) {
				return withCode(ExitUsage, fmt.Errorf("--kind %q is no kind of review item; use one of %s", kind, strings.Join(reviewKinds, ", ")))
			}
			if status != "" && !slices.Contains(reviewStatuses, status) {
				return withCode(ExitUsage, fmt.Errorf("--status %q is no status of a review item; use one of %s, or \"\" for all", status, strings.Join(reviewStatuses, ", ")))
			}
			if sync != "" {
				if err := knownSync(cmd.Context(), a, sync); err != nil {
					return err
				}
			}
			items, err := a.Reviews(cmd.Context(), sync, kind, status)
			if err != nil {
				return err
			}
			out := make([]reviewOut, len(items))
			for i, it := range items {
				out[i] = reviewOut{ID: it.ID, Sync: it.Sync, Kind: it.Kind, Status: it.Status, Side: it.Side, RecordID: it.RecordID, OtherID: it.OtherID, Field: it.Field, Detail: json.RawMessage(it.Detail)}
			}
			return r.emit(cmd.OutOrStdout(), out, func() {
				if len(out) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "Nothing needs your attention.")
					return
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tSYNC\tKIND\tSTATUS\tRECORD\tOTHER\tFIELD\tDETAIL")
				for i, o := range out {
					// The reason was stored saying "side B": name the CRM.
					why := items[i].Sides.InText(detailText(o.Detail))
					fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s:%s\t%s\t%s\t%s\n", o.ID, o.Sync, o.Kind, o.Status, o.Side, o.RecordID, o.OtherID, o.Field, why)
				}
				w.Flush()
			})
		}),
	}
	list.Flags().StringVar(&sync, "sync", "", "only this sync")
	list.Flags().StringVar(&kind, "kind", "", "only this kind: "+strings.Join(reviewKinds, ", "))
	list.Flags().StringVar(&status, "status", "open", "open, decided, done, or \"\" for all")

	var d engine.Decision
	var create, retry, skip, del bool
	var take string
	resolve := &cobra.Command{
		Use:   "resolve ID --link OTHER_ID | --create | --retry | --skip | --take a|b | --set VALUE | --delete",
		Short: "Decide a review item; the decision is applied on the sync's next run",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0], reviewIDKind())
			if err != nil {
				return err
			}
			n := 0
			if d.OtherID != "" {
				d.Action, n = "link", n+1
			}
			if create {
				d.Action, n = "create", n+1
			}
			if retry {
				d.Action, n = "retry", n+1
			}
			if skip {
				d.Action, n = "skip", n+1
			}
			if del {
				d.Action, n = "delete", n+1
			}
			if cmd.Flags().Changed("set") {
				d.Action, n = "set", n+1
			}
			if take != "" {
				if take != "a" && take != "b" {
					return withCode(ExitUsage, fmt.Errorf("--take must be a or b, not %q", take))
				}
				d.Action, n = "take-"+take, n+1
			}
			if n != 1 {
				return withCode(ExitUsage, fmt.Errorf("give exactly one of --link, --create, --retry, --skip, --take, --set, --delete"))
			}
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			if err := knownReview(cmd.Context(), a, id); err != nil {
				return err
			}
			if err := a.Decide(cmd.Context(), id, d); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Decided review item %d: %s. It is applied on the next run.\n", id, d.Action)
			return nil
		},
	}
	f := resolve.Flags()
	f.StringVar(&d.OtherID, "link", "", "link with this record id on the other side")
	f.BoolVar(&create, "create", false, "create the record on the other side")
	f.BoolVar(&retry, "retry", false, "duplicate its CRM blocked: send the create again, once the rule was changed there (refused again, it comes back to review)")
	f.BoolVar(&skip, "skip", false, "leave it alone")
	f.StringVar(&take, "take", "", "conflict: take side a or b")
	f.StringVar(&d.Value, "set", "", "set this value")
	f.BoolVar(&del, "delete", false, "approve a held delete")
	negativeIDFlagErrors(resolve, reviewIDKind())
	cmd.AddCommand(list, resolve)
	return cmd
}

// reviewKinds and reviewStatuses are what `review list` filters by.
var (
	reviewKinds    = []string{"unmatched", "ambiguous", "conflict", "delete", "rejected", "duplicate"}
	reviewStatuses = []string{"open", "decided", "done"}
)

// detailText is an item's reason, whole: it names the records and what to
// do, so cutting it loses the point. Without one, the detail JSON, cut.
func detailText(raw json.RawMessage) string {
	var d struct {
		Reason string `json:"reason"`
	}
	if json.Unmarshal(raw, &d) == nil && d.Reason != "" {
		return strings.Join(strings.Fields(d.Reason), " ")
	}
	return short(string(raw), 80)
}

func short(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
