package ui

import "fmt"

// sincePreviewText says where a run applied from a preview differed from
// it: Apply plans again, and a record edited in a CRM in between is
// written as it is now, which the person approving the preview never saw.
// Not every line is a field: a create may have become a link, a record
// may have gone to review or been deleted.
func sincePreviewText(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	msg := "\n\nThis run differs from the preview you applied (" + plural(len(lines), "difference") + "): records changed in a CRM since the preview."
	for _, l := range lines[:min(len(lines), shownWarnings)] {
		msg += "\n• " + shorten(l, 240)
	}
	if more := len(lines) - min(len(lines), shownWarnings); more > 0 {
		msg += fmt.Sprintf("\n… and %d more: History lists every field the run wrote.", more)
	}
	return msg
}
