// Package assets embeds crmsync's icon and other static resources.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon (256x256 PNG), also named in FyneApp.toml.
var Icon fyne.Resource = fyne.NewStaticResource("icon.png", iconPNG)
