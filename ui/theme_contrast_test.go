package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// luminance is WCAG 2.x relative luminance of c (alpha ignored: the
// colours measured are opaque).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG contrast ratio of two colours, 1 to 21.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestLowEmphasisTextContrast: the app's theme, in each appearance a
// person can choose, draws placeholder and disabled text (LowImportance
// labels use the disabled colour) at WCAG AA's 4.5:1 at least against
// every background such text sits on.
func TestLowEmphasisTextContrast(t *testing.T) {
	a := test.NewTempApp(t)
	texts := []fyne.ThemeColorName{theme.ColorNamePlaceHolder, theme.ColorNameDisabled}
	grounds := []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground,
		theme.ColorNameDisabledButton, theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground}
	for _, c := range []struct {
		choice  string
		variant fyne.ThemeVariant
	}{{themeDark, theme.VariantDark}, {themeLight, theme.VariantLight}, {themeSystem, theme.VariantDark}, {themeSystem, theme.VariantLight},
		// The variant the app's settings report (the test driver's is
		// neither light nor dark, which Fyne draws as dark).
		{themeSystem, a.Settings().ThemeVariant()}} {
		applyThemeChoice(a, c.choice)
		th := a.Settings().Theme()
		for _, fg := range texts {
			for _, bg := range grounds {
				r := contrast(th.Color(fg, c.variant), th.Color(bg, c.variant))
				if r < 4.5 {
					t.Errorf("%s (variant %d): %s text on %s is %.2f:1, under 4.5:1", c.choice, c.variant, fg, bg, r)
				}
			}
		}
	}
}
