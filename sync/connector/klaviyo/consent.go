package klaviyo

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// Email marketing consent (subscriptions.email.marketing.consent) is not
// a profile attribute the import job takes: Klaviyo changes it through its
// subscription jobs. crmsync only ever takes consent away:
//
//   - UNSUBSCRIBED: once the profile is written, its email is unsubscribed
//     from email marketing through POST
//     /api/profile-subscription-bulk-delete-jobs, 100 profiles a call, with
//     no list named, which unsubscribes globally. An update that does not
//     carry the email has it read first (GET /api/profiles by id).
//   - SUBSCRIBED: only the person can give consent (a form, a preference
//     page, double opt-in); the record fails before anything of it is
//     written, so the run's history and undo see no half-written record.
//   - NEVER_SUBSCRIBED: no API sets it back, so an update asking for it
//     fails the same way; on a create it is what a new profile has anyway
//     and asks for nothing.
//   - blank: nothing.
//
// This mirrors the HubSpot connector's opt-out (hubspot/optout.go).
const (
	noEmailMessage = "the profile has no email address, and Klaviyo unsubscribes profiles from email marketing by email address"
	// subscribeMessage says why SUBSCRIBED is refused.
	subscribeMessage = "only the person can subscribe to email marketing (a Klaviyo form, preference page or double opt-in); crmsync never subscribes anyone"
	// neverMessage says why NEVER_SUBSCRIBED is refused on an update.
	neverMessage = "Klaviyo has no way to set a profile's consent back to NEVER_SUBSCRIBED; crmsync can only unsubscribe"
)

// keepUnsubscribes marks for unsubscribing the updates that move an
// UNSUBSCRIBED profile to another email: Klaviyo keeps consent per email
// address (help, "Multi Email Profiles"), so the new address would
// otherwise be no longer unsubscribed. One lookup per 100 such updates;
// an update that cannot be checked fails before anything of it is written.
func (c *Connector) keepUnsubscribes(ctx context.Context, items []item, res []connector.Result) error {
	var ids []string
	idx := map[string][]int{} // profile id → positions in items
	for k, it := range items {
		if it.op.Kind != connector.OpUpdate || it.unsubscribe || it.email == "" || it.op.ID == "" {
			continue
		}
		if _, seen := idx[it.op.ID]; !seen {
			ids = append(ids, it.op.ID)
		}
		idx[it.op.ID] = append(idx[it.op.ID], k)
	}
	if len(ids) == 0 {
		return nil
	}
	recs, err := c.Lookup(ctx, objProfiles, fID, ids)
	if err != nil {
		if connector.Stops(ctx, err) {
			return err
		}
		for _, ks := range idx {
			for _, k := range ks {
				res[items[k].i].Err = connector.RecordFailure(vendor, objProfiles, items[k].op.ID, fmt.Errorf("read its consent before changing its email: %w", err))
			}
		}
		return nil
	}
	for _, r := range recs {
		if !strings.EqualFold(r.Fields[fConsent], consentUnsubscribed) {
			continue
		}
		for _, k := range idx[r.ID] {
			if !strings.EqualFold(strings.TrimSpace(r.Fields[fEmail]), items[k].email) {
				items[k].unsubscribe = true
			}
		}
	}
	return nil
}

// askErr is why an op's consent value fails its record.
type askErr struct{ code, msg string }

// consentAsk reads an op's consent value: whether it asks to unsubscribe,
// or why it cannot be written.
func consentAsk(kind connector.OpKind, v string) (bool, *askErr) {
	switch strings.ToUpper(strings.TrimSpace(v)) {
	case "":
		return false, nil
	case consentUnsubscribed:
		return true, nil
	case consentSubscribed:
		return false, &askErr{"CONSENT_NOT_GIVEN", subscribeMessage}
	case consentNeverSubscribed:
		if kind == connector.OpUpdate {
			return false, &askErr{"CONSENT_NOT_GIVEN", neverMessage}
		}
		return false, nil
	}
	return false, &askErr{"INVALID_OPTION", fmt.Sprintf("%q is not SUBSCRIBED, UNSUBSCRIBED or NEVER_SUBSCRIBED", v)}
}

// unsubscribeAll unsubscribes the written items that ask for it, once
// their profiles are written, and fails the result of each it could not
// unsubscribe. Items without an email in their op have it read by id.
func (c *Connector) unsubscribeAll(ctx context.Context, items []item, res []connector.Result) error {
	var todo []item
	var needEmail []string
	for _, it := range items {
		if it.unsubscribe && res[it.i].Err == nil {
			todo = append(todo, it)
			if it.email == "" && !hasField(it.op, fEmail) {
				needEmail = append(needEmail, res[it.i].ID)
			}
		}
	}
	if len(todo) == 0 {
		return nil
	}
	emails := map[string]string{} // profile id → email
	if len(needEmail) > 0 {
		recs, err := c.Lookup(ctx, objProfiles, fID, needEmail)
		if err != nil {
			if connector.Stops(ctx, err) {
				return err
			}
			for _, it := range todo {
				res[it.i].Err = connector.RecordFailure(vendor, objProfiles, res[it.i].ID, err)
			}
			return nil
		}
		for _, r := range recs {
			emails[r.ID] = r.Fields[fEmail]
		}
	}
	var batch []item
	var addrs []string
	for _, it := range todo {
		email := it.email
		if email == "" && !hasField(it.op, fEmail) {
			email = emails[res[it.i].ID]
		}
		if email == "" {
			res[it.i].Err = &connector.RecordError{Vendor: vendor, Object: objProfiles, RecordID: res[it.i].ID,
				Category: connector.CatValidation, Field: fConsent, Code: "MISSING_EMAIL", Message: noEmailMessage}
			continue
		}
		batch, addrs = append(batch, it), append(addrs, email)
	}
	for start := 0; start < len(batch); start += unsubscribeBatch {
		end := min(len(batch), start+unsubscribeBatch)
		if err := c.unsubscribe(ctx, addrs[start:end]); err != nil {
			if connector.Stops(ctx, err) {
				return err
			}
			for _, it := range batch[start:end] {
				res[it.i].Err = connector.RecordFailure(vendor, objProfiles, res[it.i].ID, err)
			}
		}
	}
	return nil
}

func hasField(op connector.Op, name string) bool {
	_, ok := op.Fields[name]
	return ok
}

// unsubscribe sends one bulk unsubscribe job for up to 100 emails, from
// email marketing only. Klaviyo answers 202 and runs the job later; it
// reports nothing per profile.
func (c *Connector) unsubscribe(ctx context.Context, emails []string) error {
	type prof struct {
		Type       string `json:"type"`
		Attributes struct {
			Email         string `json:"email"`
			Subscriptions struct {
				Email struct {
					Marketing struct {
						Consent string `json:"consent"`
					} `json:"marketing"`
				} `json:"email"`
			} `json:"subscriptions"`
		} `json:"attributes"`
	}
	profs := make([]prof, len(emails))
	for i, e := range emails {
		profs[i].Type = "profile"
		profs[i].Attributes.Email = e
		profs[i].Attributes.Subscriptions.Email.Marketing.Consent = consentUnsubscribed
	}
	body := map[string]any{"data": map[string]any{
		"type":       "profile-subscription-bulk-delete-job",
		"attributes": map[string]any{"profiles": map[string]any{"data": profs}},
	}}
	r, err := c.call(ctx, http.MethodPost, "/api/profile-subscription-bulk-delete-jobs", body)
	if err != nil {
		return fmt.Errorf("klaviyo: unsubscribe: %w", err)
	}
	defer r.Release()
	if r.Status != http.StatusAccepted && r.Status != http.StatusOK && r.Status != http.StatusNoContent {
		return fmt.Errorf("klaviyo: unsubscribe: %w", r.apiError())
	}
	return nil
}
