package ui

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/engine"
)

// showError is the one place errors reach the user: a dialog with one
// sentence saying what happened and one saying what to do next. Details
// belong in the log, not in the dialog.
func showError(win fyne.Window, err error) {
	if err == nil {
		return
	}
	showNote(win, "Something went wrong", errorSentence(err)+"\n\n"+nextStep(err))
}

// errorSentence turns a wrapped error chain ("hubspot: batch upsert: rate
// limited") into one sentence: the first letter capitalised, a full stop at
// the end. Cancellation by the user is reported as such, not as a failure.
func errorSentence(err error) string {
	if errors.Is(err, context.Canceled) {
		return "The operation was cancelled."
	}
	if cause := networkCause(err); cause != "" {
		return "The CRM could not be reached (" + cause + ")."
	}
	var inv *app.InvalidError
	if errors.As(err, &inv) {
		return sentence("the sync has " + plural(len(inv.Problems), "problem") + ": " + inv.Problems[0].Error())
	}
	msg := strings.TrimSpace(err.Error())
	if msg == "" {
		return "An unknown error occurred."
	}
	// Keep the dialog to one sentence even when the chain is long.
	if i := strings.IndexByte(msg, '\n'); i > 0 {
		msg = msg[:i]
	}
	// A connector's "hubspot: …" names the vendor as it writes itself
	// ("HubSpot: …"), not as a capital would ("Hubspot: …").
	if name, rest, ok := strings.Cut(msg, ": "); ok {
		if title, ok := registry.Title(name); ok {
			msg = title + ": " + rest
			return sentence(msg, title)
		}
	}
	return sentence(msg)
}

// sentence capitalises msg and ends it with a full stop. A msg that begins
// with one of names (a connection, "hubspot-sandbox contacts") keeps its
// first letter: a capital would change the name the person gave it.
func sentence(msg string, names ...string) string {
	named := slices.ContainsFunc(names, func(n string) bool { return n != "" && strings.HasPrefix(msg, n) })
	if !named {
		r, size := utf8.DecodeRuneInString(msg)
		msg = string(unicode.ToUpper(r)) + msg[size:]
	}
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "!") && !strings.HasSuffix(msg, "?") {
		msg += "."
	}
	return msg
}

// nextStep names what the user can do about err. Nothing stored is lost by
// any failure here; saying so stops people from redoing work.
func nextStep(err error) string {
	msg := strings.ToLower(err.Error())
	var inv *app.InvalidError
	var refused *app.KeyRefusedError
	switch {
	case errors.Is(err, context.Canceled):
		return "Nothing was changed by the cancelled step; start it again when ready."
	case errors.As(err, &inv):
		return "Next: fix the rows marked in red, then save again. Nothing was saved."
	case errors.Is(err, engine.ErrFilterSyncNotRun):
		return "Next: press Sync now on that sync, or Sync all on the Syncs screen, which runs it first. Nothing was changed."
	case errors.Is(err, engine.ErrNeedsConfirmation):
		return "Next: open Preview, check the changes, then Apply and confirm."
	case errors.Is(err, engine.ErrAlreadyRunning):
		return "Next: wait for it to finish (History shows it), then run the sync again if needed. Nothing was changed by this attempt."
	case errors.Is(err, auth.ErrPortInUse):
		return "Next: close the program using that port, or choose another redirect port in Settings (and register it with the vendor)."
	case strings.Contains(msg, "access_denied"):
		return "Next: press Connect again and approve the access in the browser."
	case strings.Contains(msg, "invalid_client") || strings.Contains(msg, "client id") || strings.Contains(msg, "client_id"):
		return "Next: check the client ID and secret against the app you registered with the vendor, then connect again."
	case errors.Is(err, auth.ErrTimeout):
		return "Next: press Connect again and finish the sign-in in the browser."
	case errors.Is(err, connector.ErrAccount):
		return accountStep(err.Error())
	case errors.As(err, &refused):
		return "Next: copy the whole key again from " + refused.Vendor + "'s settings, with the access the syncs need, paste it and press Connect. Nothing was saved."
	case errors.Is(err, connector.ErrAuth) || errors.Is(err, auth.ErrReconnectNeeded):
		return "Next: open Connections and press Reconnect on that connection."
	case strings.Contains(msg, "does not exist; connect it"):
		return "Next: connect that CRM again on Connections, or edit the sync to use another connection. The sync itself is kept."
	case strings.Contains(msg, "choose another audience"): // Mailchimp's deleted audience (AUDIENCE_NOT_FOUND)
		return "Next: choose another audience as this side's object, or reconnect to the Mailchimp account that has it; trying again will not help."
	case errors.Is(err, connector.ErrBudget):
		return budgetStep(err)
	case networkCause(err) != "":
		return "Next: check your network connection, then try again. Records already written are kept; the next run continues from there."
	case errors.Is(err, connector.ErrRateLimit) || errors.Is(err, connector.ErrServer):
		return "Next: try again in a few minutes. Records already written are kept; the next run continues from there."
	}
	return "Next: try again. If it keeps failing, the log has the details."
}

// AccountStep is what to do when the vendor refused the account itself
// (closed, unpaid, over its plan): a reconnect cannot help.
const AccountStep = "Next: the account's owner must fix billing or the plan in the CRM, then run the sync again. " +
	"Reconnecting does not help. Nothing was lost: the run continues from where it stopped."

// accountStep is AccountStep, unless the vendor's refusal already names
// an administrator's fix (a user's API permission, full storage): then
// billing is the wrong place to send the person.
func accountStep(detail string) string {
	if namesAdminFix(detail) {
		return "Next: an administrator must do what the CRM's message says, then run the sync again. " +
			"Reconnecting does not help. Nothing was lost: the run continues from where it stopped."
	}
	return AccountStep
}

// namesAdminFix reports a refusal whose words say an administrator lifts it.
func namesAdminFix(detail string) bool { return strings.Contains(detail, "administrator") }

// budgetStep tells what to do about a spent daily budget: crmsync's own
// (Settings) can be raised; the vendor's (a status from its API) belongs
// to the account, is shared with its other integrations, and only its
// reset or a larger allowance helps.
func budgetStep(err error) string {
	if errors.Is(err, connector.ErrOrgReserve) {
		return "Next: nothing to do: crmsync leaves the rest of the account's shared daily API allowance to its other integrations, " +
			"and runs again as it frees (background runs wait an hour). The run resumes where it stopped."
	}
	var ce *connector.Error
	if errors.As(err, &ce) && ce.Status != 0 {
		return "Next: wait for the CRM's own daily API limit to reset: it is your account's, shared with its other integrations, " +
			"and raising crmsync's budget does not help. The run resumes where it stopped."
	}
	return "Next: raise the daily API budget in Settings, or wait until tomorrow. The run resumes where it stopped."
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return itoa(n) + " " + word + "s"
}

// networkCause names a network failure in a few words ("connection
// refused"), or "" when err is not one.
func networkCause(err error) string {
	msg := strings.ToLower(err.Error())
	for _, c := range []string{"connection refused", "no such host", "network is unreachable", "connection reset", "i/o timeout", "tls handshake timeout"} {
		if strings.Contains(msg, c) {
			return c
		}
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return opErr.Op + " failed"
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "DNS lookup failed"
	}
	return ""
}
