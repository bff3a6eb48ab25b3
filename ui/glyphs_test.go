package ui

import (
	"bytes"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"
)

// bundledGlyphs says whether the fonts Fyne ships (text and symbols) draw
// r. A rune outside them is drawn by whatever the machine falls back to:
// an emoji, or an empty box.
func bundledGlyphs(t *testing.T) func(r rune) bool {
	t.Helper()
	var faces []*font.Face
	for _, style := range []fyne.TextStyle{{}, {Symbol: true}} {
		f, err := font.ParseTTF(bytes.NewReader(theme.DefaultTheme().Font(style).Content()))
		if err != nil {
			t.Fatal(err)
		}
		faces = append(faces, f)
	}
	return func(r rune) bool {
		if r == '\n' || r == '\t' || !emojiCapable(r) {
			// Plain symbols (●, ≠) fall back to the desktop's text fonts,
			// which draw them as text.
			return true
		}
		for _, f := range faces {
			if _, ok := f.NominalGlyph(r); ok {
				return true
			}
		}
		return false
	}
}

// checkGlyphs fails for each text on screen with an emoji-capable rune
// the bundled fonts lack.
func checkGlyphs(t *testing.T, l *live, where string, drawn func(rune) bool) {
	t.Helper()
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	for _, s := range texts {
		for _, r := range s {
			if !drawn(r) {
				t.Errorf("%s: %q has %q, which the app's fonts cannot draw", where, s, r)
				break
			}
		}
	}
}

// TestTextsUseBundledGlyphs: the sandbox's welcome dialog showed
// "HubSpot contacts ↔ the Mailchimp audience" with the arrow drawn as a
// blue emoji: ↔ is not in the fonts the app ships (← and → are, in the
// symbol font), and the Syncs screen writes two-way as "←→".
func TestTextsUseBundledGlyphs(t *testing.T) {
	drawn := bundledGlyphs(t)
	l := newLive(t)
	l.connectSandbox()
	checkGlyphs(t, l, "Sandbox connected", drawn)
	l.closeDialogs()
	l.runReviewMe()
	l.navigate(ScreenReview)
	l.see("Side by side")
	checkGlyphs(t, l, "Review", drawn)
	l.navigate(ScreenSyncs)
	checkGlyphs(t, l, "Syncs", drawn)
}

// emojiCapable says whether r is one Unicode lets a font draw as a colour
// emoji (emoji-data.txt): a fallback font may pick the emoji form, as it
// did for ↔ here. The blocks the app's texts could come near are enough.
func emojiCapable(r rune) bool {
	switch {
	case r >= 0x2194 && r <= 0x2199, r == 0x21A9, r == 0x21AA: // ↔ ↕ ↖…, ↩ ↪
		return true
	case r >= 0x2600 && r <= 0x27BF: // miscellaneous symbols, dingbats (✓ ✗ ⚠)
		return true
	case r >= 0x2B05 && r <= 0x2B55, r >= 0x1F000: // ⬅ ⬆ ⬇ ⭐ ⭕, pictographs
		return true
	}
	return false
}
