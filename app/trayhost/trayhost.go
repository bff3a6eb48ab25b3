// Package trayhost says whether the desktop shows a system tray, so the
// window offers "keep syncing in the tray" only where the user can get the
// window back from it.
package trayhost

// watcherName is the D-Bus name a StatusNotifier host (KDE, most Linux
// desktops, GNOME only with the AppIndicator extension) owns; fyne's
// systray registers its icon with it and shows nothing without it.
const watcherName = "org.kde.StatusNotifierWatcher"
