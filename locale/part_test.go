package locale

import "testing"

// A part of the catalog cannot write a message the catalog already has:
// the second text is a problem of the catalog, not a silent overwrite.
func TestAPartCannotWriteAMessageTwice(t *testing.T) {
	saved := partProblems
	defer func() { partProblems = saved }()
	before := templates[French]["actor.agent"]
	addPart(part{
		french:  map[Key]string{"actor.agent": "Quelqu'un d'autre"},
		english: map[Key]string{},
		params:  map[Key][]Param{"actor.agent_named": {{"who", KindText}}},
	})
	if got := templates[French]["actor.agent"]; got != before {
		t.Errorf("the part overwrote actor.agent: %q", got)
	}
	if len(partProblems) != len(saved)+2 {
		t.Errorf("problems = %v, want the text and the arguments written twice", partProblems[len(saved):])
	}
}
