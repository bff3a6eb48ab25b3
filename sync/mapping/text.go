package mapping

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode/utf16"

	xhtml "golang.org/x/net/html"
)

// Rich text and plain text. HubSpot and Pipedrive keep a note's body as
// HTML; a Salesforce classic Note keeps plain text and a title of its own.

// blockTags end a line of text where they open or close.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true, "tr": true, "table": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true, "hr": true,
}

// htmlToText is the text a reader sees in HTML: tags dropped, entities
// decoded, a line break for each block, whitespace as normalizeText leaves
// it. Scripts and styles are not text.
func htmlToText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return normalizeText(s)
	}
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			// io.EOF at the end; the tokenizer reads anything else as text,
			// so no other error comes from a string.
			return normalizeText(b.String())
		case xhtml.TextToken:
			text := string(z.Text())
			if skip > 0 || (strings.TrimSpace(text) == "" && lineStart(&b)) {
				continue // markup's indentation between blocks
			}
			// Source line breaks are spaces in HTML; only blocks break lines.
			b.WriteString(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(text))
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch {
			case tag == "script" || tag == "style":
				if tt == xhtml.StartTagToken {
					skip++
				} else if tt == xhtml.EndTagToken && skip > 0 {
					skip--
				}
			case tag == "br":
				b.WriteByte('\n')
			case (tag == "td" || tag == "th") && tt != xhtml.EndTagToken && !lineStart(&b):
				// Cells of a row stand apart: "Plan Seats", not "PlanSeats".
				b.WriteByte(' ')
			case blockTags[tag] && !lineStart(&b):
				// A block begins and ends a line; an empty paragraph
				// (<p><br></p>) is the blank line its <br> makes.
				b.WriteByte('\n')
			}
		}
	}
}

// lineStart reports whether b is empty or ends a line.
func lineStart(b *strings.Builder) bool {
	return b.Len() == 0 || strings.HasSuffix(b.String(), "\n")
}

// normalizeText trims each line and collapses its runs of spaces and tabs,
// keeps at most one blank line between paragraphs, and drops blank lines at
// either end. Two texts that read the same compare equal.
func normalizeText(s string) string {
	lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), "\n")
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}

// textToHTML writes plain text as HTML that reads the same: escaped, each
// line break a <br>. htmlToText gives the text back unchanged, so a value
// written to the HTML side and read back is no change.
func textToHTML(s string) string {
	return strings.ReplaceAll(html.EscapeString(s), "\n", "<br>")
}

// textHTMLTransform is "text": A holds HTML (a HubSpot or Pipedrive note),
// B plain text (a Salesforce Note's body). A's value is read as the text it
// shows; text written to A is escaped HTML with its line breaks.
func textHTMLTransform() transform {
	canon := func(s string) (string, error) { return normalizeText(s), nil }
	return transform{name: "text",
		forward: func(s string) (string, error) { return htmlToText(s), nil },
		canon:   canon,
		inverse: func(s string) (string, error) { return textToHTML(s), nil },
		aTypes:  plainText, bTypes: plainText}
}

// cutUTF16 is line cut to n UTF-16 units with an ellipsis: Salesforce
// counts a length so, an emoji as two, and a vendor counting characters
// counts no more.
func cutUTF16(line string, n int) string {
	units := 0
	for _, r := range line {
		units += utf16.RuneLen(r)
	}
	if units <= n {
		return line
	}
	units = 1 // the ellipsis
	for i, r := range line {
		if units+utf16.RuneLen(r) > n {
			return strings.TrimSpace(line[:i]) + "…"
		}
		units += utf16.RuneLen(r)
	}
	return line
}

// firstLineTransform is "firstline:N": the first line of A's text (HTML
// read as text), cut to N characters with an ellipsis. It names a record
// that has no title of its own (a Salesforce Note needs one). One-way.
func firstLineTransform(arg string) (transform, error) {
	n, err := strconv.Atoi(arg)
	if err != nil || n < 2 {
		return transform{}, fmt.Errorf("transform firstline needs the longest title the target takes, e.g. firstline:80")
	}
	forward := func(s string) (string, error) {
		line, _, _ := strings.Cut(htmlToText(s), "\n")
		return cutUTF16(line, n), nil
	}
	return transform{name: "firstline", forward: forward,
		canon:  func(s string) (string, error) { return strings.TrimSpace(s), nil },
		whyNot: "a text's first line cannot be turned back into the text",
		aTypes: plainText, bTypes: plainText}, nil
}
