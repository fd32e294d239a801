package main

import (
	"testing"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
)

func TestMain(m *testing.M) { devstacktest.Main(m) }
