package ui

import (
	"testing"
)

// TestEditorSaysPinnedAudienceDeleted: when the audience a Mailchimp
// connection's "members" is kept to was deleted in Mailchimp, the sync
// editor names it, says it was deleted, and says what to do (choose
// another audience, or reconnect), instead of offering "members" as if
// nothing had happened.
func TestEditorSaysPinnedAudienceDeleted(t *testing.T) {
	l := newLive(t)
	mc := l.srv.Mailchimp()
	l.connectSandbox()
	l.closeDialogs()
	l.navigate(ScreenSyncs)
	l.tap("New sync")
	l.see("fields loaded")
	l.choose(demoMailchimp) // side B; its "members" is now kept to the demo audience
	l.see(`Audience "crmsync demo audience" (members)`)
	if err := mc.DeleteList(mc.DefaultListID()); err != nil {
		t.Fatal(err)
	}
	l.choose(demoDynamics)
	l.see("fields loaded")
	l.choose(demoMailchimp)
	l.see(`"crmsync demo audience"`)
	l.see("was deleted")
	l.see("choose another audience")
	l.see("reconnect")
	var retryAdvice bool
	l.ui(func() { retryAdvice = screenContains(l.u.Window(), "Next: try again") })
	if retryAdvice {
		t.Error(`the editor advises "Next: try again" for a deleted audience, which trying again cannot fix`)
	}
}
