package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/crmsync/crmsync/app"
)

func (r *root) connectCmd() *cobra.Command {
	var req app.ConnectRequest
	cmd := &cobra.Command{
		Use:   "connect VENDOR --name NAME",
		Short: "Connect a CRM through the browser (OAuth with PKCE) or an API token",
		Long: "Connect a CRM. The browser opens the vendor's consent page; a one-shot listener on 127.0.0.1 receives the answer.\n" +
			"Register the redirect URI http://localhost:53682/callback (or --port) with the vendor first.\n" +
			"With --no-browser the consent URL is printed alone on one line and crmsync waits for the callback.\n" +
			"Keep secrets off the command line (ps, shell history): --token - or --client-secret - reads one line\n" +
			"from standard input; without the flag, $CRMSYNC_CLIENT_SECRET is used, and $CRMSYNC_TOKEN when there\n" +
			"is no --client-id or --client-secret.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := r.knownVendor(args[0]); err != nil {
				return withCode(ExitUsage, err)
			}
			a, err := r.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			if err := readSecrets(cmd, &req); err != nil {
				return withCode(ExitUsage, err)
			}
			req.Vendor = args[0]
			out := cmd.OutOrStdout()
			req.OnURL = func(u string) {
				if req.NoBrowser {
					fmt.Fprintln(out, u)
				} else {
					fmt.Fprintf(cmd.ErrOrStderr(), "If the browser does not open, visit:\n%s\n", u)
				}
			}
			c, err := a.Connect(cmd.Context(), req)
			if err != nil {
				return err
			}
			// Describe it as `connections` does (its title, budget, usage).
			view := app.ConnectionView{Connection: c, Title: c.Vendor}
			if cs, err := a.Connections(cmd.Context()); err == nil {
				for _, v := range cs {
					if v.Name == c.Name {
						view = v
					}
				}
			}
			return r.emit(out, connectionJSON(view), func() {
				fmt.Fprintf(cmd.ErrOrStderr(), "Connected %s (%s, %s)\n", c.Name, c.Vendor, c.AccountName)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.Name, "name", "", "a short name for this connection, e.g. hs")
	f.StringVar(&req.ClientID, "client-id", "", "OAuth client ID of your app registration")
	f.StringVar(&req.ClientSecret, "client-secret", "", "OAuth client secret (stored in the OS keyring); - reads it from standard input (default $CRMSYNC_CLIENT_SECRET)")
	f.StringVar(&req.APIBase, "api-base", "", "API base URL (sandbox or a non-default data centre)")
	f.StringVar(&req.AuthURL, "auth-url", "", "authorization URL (default: the vendor's)")
	f.StringVar(&req.TokenURL, "token-url", "", "token URL (default: the vendor's)")
	f.StringVar(&req.RevokeURL, "revoke-url", "", "revoke URL (default: the vendor's)")
	f.IntVar(&req.Port, "port", 0, "loopback redirect port (default 53682; -1: any free port, named in the redirect URI, for vendors that accept any loopback port as the sandbox does)")
	f.StringVar(&req.Token, "token", "", "an API key instead of OAuth ("+r.keyVendors()+"); - reads it from standard input (default $CRMSYNC_TOKEN)")
	f.BoolVar(&req.NoBrowser, "no-browser", false, "print the consent URL instead of opening a browser")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

// readSecrets fills the token and client secret from standard input
// ("-") or the environment, so they need not be arguments, which any user
// can read in ps and which stay in the shell history.
func readSecrets(cmd *cobra.Command, req *app.ConnectRequest) error {
	if req.Token == "-" && req.ClientSecret == "-" {
		return errors.New("only one of --token and --client-secret can be read from standard input")
	}
	for _, s := range []struct {
		flag, env string
		v         *string
		fromEnv   bool
	}{
		// A CRMSYNC_TOKEN left in the shell must not turn an OAuth connect into a token one.
		{"token", "CRMSYNC_TOKEN", &req.Token, !cmd.Flags().Changed("client-id") && !cmd.Flags().Changed("client-secret")},
		{"client-secret", "CRMSYNC_CLIENT_SECRET", &req.ClientSecret, true},
	} {
		switch {
		case *s.v == "-":
			line, err := readSecretLine(cmd, s.flag)
			if err != nil {
				return fmt.Errorf("--%s -: read standard input: %w", s.flag, err)
			}
			if *s.v = strings.TrimSpace(line); *s.v == "" {
				return fmt.Errorf("--%s -: standard input gave an empty line", s.flag)
			}
		case !cmd.Flags().Changed(s.flag) && s.fromEnv:
			*s.v = strings.TrimSpace(os.Getenv(s.env))
		}
	}
	return nil
}

// readSecretLine reads one line from standard input; at a terminal it
// prompts and hides what is typed, so a pasted key stays off the screen
// and its scrollback.
func readSecretLine(cmd *cobra.Command, flag string) (string, error) {
	if f, ok := cmd.InOrStdin().(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(cmd.ErrOrStderr(), "Paste the %s and press Enter (it is not shown): ", strings.ReplaceAll(flag, "-", " "))
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(cmd.ErrOrStderr())
		return string(b), err
	}
	line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return line, nil
}

type connectionOut struct {
	Name        string `json:"name"`
	Vendor      string `json:"vendor"`
	Account     string `json:"account"`
	AccountID   string `json:"account_id"`
	APIBase     string `json:"api_base"`
	Auth        string `json:"auth"`
	Status      string `json:"status"`
	Detail      string `json:"status_detail,omitempty"`
	CallsToday  int    `json:"api_calls_today"`
	DailyBudget int    `json:"daily_budget"`
	// The org's own daily allocation, from the last run's last answer.
	OrgAPIUsed int64 `json:"org_api_used,omitempty"`
	OrgAPIMax  int64 `json:"org_api_max,omitempty"`
	// OrgAPIUnit: what they count when not API calls (Pipedrive's daily tokens).
	OrgAPIUnit string `json:"org_api_unit,omitempty"`
}

func connectionJSON(c app.ConnectionView) connectionOut {
	return connectionOut{Name: c.Name, Vendor: c.Vendor, Account: c.AccountName, AccountID: c.AccountID, APIBase: c.APIBase,
		Auth: c.AuthKind, Status: c.Status, Detail: c.StatusDetail, CallsToday: c.CallsToday, DailyBudget: c.Budget,
		OrgAPIUsed: c.OrgUsed, OrgAPIMax: c.OrgMax, OrgAPIUnit: c.OrgUnit}
}

func (r *root) connectionsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "connections",
		Short: "List connected CRMs",
		Args:  cobra.NoArgs,
		RunE: r.withApp(func(cmd *cobra.Command, _ []string, a *app.App) error {
			cs, err := a.Connections(cmd.Context())
			if err != nil {
				return err
			}
			out := make([]connectionOut, len(cs))
			for i, c := range cs {
				out[i] = connectionJSON(c)
			}
			return r.emit(cmd.OutOrStdout(), out, func() {
				if len(cs) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "No connections yet. Connect one with: crmsync connect hubspot --name hs")
					return
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "NAME\tVENDOR\tACCOUNT\tSTATUS\tAPI CALLS TODAY")
				for _, c := range cs {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d / %d\n", c.Name, c.Title, c.AccountName, c.Status, c.CallsToday, c.Budget)
				}
				w.Flush()
				for _, c := range cs {
					if c.OrgMax > 0 {
						fmt.Fprintf(cmd.OutOrStdout(), "%s: %s\n", c.Name, app.OrgUsageLine(c, time.Local))
					}
				}
			})
		}),
	}
}

// objectOut is one object of `crmsync objects --json`.
type objectOut struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	// Note is what the account says of the object and what to do (a
	// deleted pinned Mailchimp audience), as the sync editor shows it.
	Note string `json:"note,omitempty"`
}

func (r *root) objectsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "objects CONNECTION",
		Short: "List the objects a sync file can name for a connection (Mailchimp: one per audience)",
		Args:  cobra.ExactArgs(1),
		RunE: r.withApp(func(cmd *cobra.Command, args []string, a *app.App) error {
			if err := knownConnection(cmd.Context(), a, args[0]); err != nil {
				return err
			}
			cs, err := a.ObjectChoices(cmd.Context(), args[0])
			if len(cs) == 0 {
				return err
			}
			out := make([]objectOut, len(cs))
			for i, c := range cs {
				out[i] = objectOut{Name: c.Name, Label: c.Label, Note: c.Note}
			}
			if perr := r.emit(cmd.OutOrStdout(), out, func() {
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "OBJECT\tLABEL")
				for _, c := range cs {
					fmt.Fprintf(w, "%s\t%s\n", c.Name, c.Label)
					if c.Note != "" {
						// Under its label; the last cell widens no column.
						fmt.Fprintf(w, "\tNote: %s\n", c.Note)
					}
				}
				w.Flush()
			}); perr != nil {
				return perr
			}
			// The fixed objects were listed; the account's own could not be.
			return err
		}),
	}
}

func (r *root) disconnectCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "disconnect NAME",
		Short: "Revoke a connection's tokens and forget it",
		Args:  cobra.ExactArgs(1),
		RunE: r.withApp(func(cmd *cobra.Command, args []string, a *app.App) error {
			if err := knownConnection(cmd.Context(), a, args[0]); err != nil {
				return err
			}
			err := a.Disconnect(cmd.Context(), args[0])
			// Removed here, only the vendor's revoke failed: done as asked,
			// with a warning rather than a failing exit.
			var unconfirmed *app.RevokeUnconfirmedError
			if errors.As(err, &unconfirmed) {
				fmt.Fprintf(cmd.ErrOrStderr(), "disconnected %s; the vendor did not confirm the revoke: %v; remove crmsync's access in the CRM\n", args[0], unconfirmed.Err)
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Disconnected %s\n", args[0])
			return nil
		}),
	}
}

// keyVendors names the vendors that take a pasted API key (HubSpot's is
// a service key), from the vendor list, so the help cannot go stale.
func (r *root) keyVendors() string {
	var titles []string
	for _, v := range r.env.Vendors {
		if v.OAuth.TokenRoute {
			titles = append(titles, v.Title)
		}
	}
	return strings.Join(titles, ", ")
}

func (r *root) knownVendor(name string) error {
	var known []string
	for _, v := range r.env.Vendors {
		if v.Name == name {
			return nil
		}
		known = append(known, v.Name)
	}
	return fmt.Errorf("unknown vendor %q; known vendors: %s", name, strings.Join(known, ", "))
}
