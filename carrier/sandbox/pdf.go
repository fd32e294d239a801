package sandbox

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// labelDocument is the label as a one-page PDF (A6, 105 × 148 mm): the
// carrier, « retour prépayé », the sender and the addressee, the
// references, the tracking number and its bars. Written by hand with the
// PDF's standard Helvetica: a label needs no more.
func labelDocument(l Label) []byte {
	var c bytes.Buffer // the page's drawing
	const w, h = 298.0, 420.0
	fmt.Fprintf(&c, "1 w 10 10 %.0f %.0f re S\n", w-20, h-20)
	text := func(font string, size, x, y float64, s string) {
		fmt.Fprintf(&c, "BT /%s %.0f Tf %.1f %.1f Td (%s) Tj ET\n", font, size, x, y, pdfString(s))
	}
	text("F2", 16, 22, 385, l.Carrier)
	text("F2", 11, 22, 366, "RETOUR PRÉPAYÉ — PREPAID RETURN")
	fmt.Fprintf(&c, "22 356 m %.0f 356 l S\n", w-22)
	y := 340.0
	block := func(title string, a []string) {
		text("F2", 8, 22, y, title)
		y -= 12
		for _, line := range a {
			text("F1", 10, 22, y, line)
			y -= 12
		}
		y -= 6
	}
	block("EXPÉDITEUR / FROM", address(l.From.Name, l.From.Line1, l.From.Line2, l.From.PostalCode, l.From.City, l.From.Country))
	to := address(l.To.Name, l.To.Line1, l.To.Line2, l.To.PostalCode, l.To.City, l.To.Country)
	if len(to) == 0 {
		to = []string{"Service retours de la boutique"}
	}
	block("DESTINATAIRE / TO", to)
	refs := []string{"Retour / Return : " + l.Key}
	if l.Reference != "" {
		refs = append(refs, "Commande / Order : "+l.Reference)
	}
	if l.Items > 0 {
		refs = append(refs, fmt.Sprintf("Articles / Items : %d", l.Items))
	}
	block("RÉFÉRENCES", refs)
	// The tracking number's bars: each character's byte drawn as eight
	// thin or thick bars, enough for a label that looks like one.
	x := 22.0
	for _, b := range []byte(l.Tracking) {
		for bit := 7; bit >= 0; bit-- {
			bw := 0.9
			if b>>bit&1 == 1 {
				bw = 1.8
			}
			fmt.Fprintf(&c, "%.2f 60 %.2f 50 re f\n", x, bw)
			x += bw + 0.9
		}
	}
	text("F2", 14, 22, 40, l.Tracking)
	text("F1", 7, 22, 24, "Étiquette de démonstration (bac à sable) : aucun colis n'est transporté.")

	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.0f %.0f] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>", w, h),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", c.Len(), c.String()),
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return out.Bytes()
}

// address is an address's lines, the empty ones left out.
func address(name, line1, line2, postal, city, country string) []string {
	var lines []string
	for _, l := range []string{name, line1, line2, strings.TrimSpace(postal + " " + city), country} {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// winAnsi are the characters beyond Latin-1 that the PDF's standard
// encoding has, and where.
var winAnsi = map[rune]byte{'€': 0x80, '‚': 0x82, '„': 0x84, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '–': 0x96, '—': 0x97, 'œ': 0x9c, 'Œ': 0x8c}

// pdfString writes a text as a PDF string in WinAnsiEncoding: Latin-1 as
// it is, the parentheses and backslash escaped, what the encoding lacks as
// "?".
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteByte(byte(r))
		case r == utf8.RuneError || r < 0x20:
			b.WriteByte('?')
		case r < 0x80 || (r >= 0xa0 && r <= 0xff):
			b.WriteByte(byte(r))
		case winAnsi[r] != 0:
			b.WriteByte(winAnsi[r])
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
