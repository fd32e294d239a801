package locale

// What the agent UI says of a form field or an address refused at the
// door for what it holds (a NUL, another control character, bytes that
// are not UTF-8): the refusal itself is a "refusal." key; this names the
// field.
func init() {
	addPart(part{french: inputFrench, english: inputEnglish, params: map[Key][]Param{
		"input.field_refused": {{"field", KindText}},
	}})
}

var inputFrench = map[Key]string{
	"input.field_refused": "Champ refusé : {field}. Retapez-le sans caractère de contrôle.",
}

var inputEnglish = map[Key]string{
	"input.field_refused": "Field refused: {field}. Type it again without control characters.",
}
