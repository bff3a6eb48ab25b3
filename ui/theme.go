package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Appearance choices stored in preferences. System follows the desktop.
const (
	themeSystem = "System"
	themeLight  = "Light"
	themeDark   = "Dark"
)

func applyThemeChoice(a fyne.App, choice string) {
	base := readableTheme{theme.DefaultTheme()}
	switch choice {
	case themeLight:
		a.Settings().SetTheme(fixedVariant{base, theme.VariantLight})
	case themeDark:
		a.Settings().SetTheme(fixedVariant{base, theme.VariantDark})
	default:
		a.Settings().SetTheme(base)
	}
}

// readableTheme is Fyne's default theme with low-emphasis text readable:
// Fyne's disabled grey (also LowImportance labels' colour: hints, samples,
// notes) is 1.2–1.6:1 against its backgrounds in both variants, and its
// light placeholder 3.2–3.5:1, under WCAG AA's 4.5:1 for normal text. These
// greys are at least 4.5:1 on every background such text sits on (window,
// input, disabled button, dialog, menu), and stay lighter (dark variant) or
// darker (light) than the foreground, so they still read as secondary.
type readableTheme struct{ fyne.Theme }

var (
	darkDisabled   = color.NRGBA{R: 0x9a, G: 0x9a, B: 0x9a, A: 0xff} // 5.1:1 on the dark button grey
	lightSecondary = color.NRGBA{R: 0x6b, G: 0x6b, B: 0x6b, A: 0xff} // 4.8:1 on the light input grey
)

func (t readableTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	// Any variant but light is dark, as for Fyne's own theme.
	switch {
	case n == theme.ColorNameDisabled && v != theme.VariantLight:
		return darkDisabled
	case (n == theme.ColorNameDisabled || n == theme.ColorNamePlaceHolder) && v == theme.VariantLight:
		return lightSecondary
	}
	return t.Theme.Color(n, v)
}

// fixedVariant is the default theme pinned to light or dark, ignoring the
// system setting (Fyne has no non-deprecated "force variant" switch).
type fixedVariant struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t fixedVariant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}
