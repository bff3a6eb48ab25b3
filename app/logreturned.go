package app

// logReturned logs a failure the caller is also handed as an error: to the
// log file only, so a command line that prints the error does not show it
// twice (a WARN line, then "crmsync: …"), while a failure nobody watched
// is still found in the file. Without a log file it goes to the logger the
// app was given, so it is never lost.
func (a *App) logReturned(msg string, args ...any) {
	if a.fileLog == nil {
		a.log.Warn(msg, args...)
		return
	}
	a.fileLog.Warn(msg, args...)
}
