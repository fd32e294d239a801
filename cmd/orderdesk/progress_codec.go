package main

import (
	"go.temporal.io/sdk/converter"
)

// failureConverter reads the errors Temporal keeps, encrypted by the
// codec, for the live progress of a procedure (a retrying step's last
// error); nil without keys (Temporal's default then).
func (c codecConfig) failureConverter() converter.FailureConverter {
	cd, err := c.codec()
	if err != nil {
		return nil
	}
	return cd.FailureConverter()
}
