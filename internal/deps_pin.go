//go:build tools

// Package internal pins module versions chosen in DESIGN.md §8 before every
// package that uses them exists, so that `go mod tidy` keeps them.
package internal

import (
	_ "cel.dev/cel-go/cel"
	_ "github.com/gowebpki/jcs"
	_ "github.com/modelcontextprotocol/go-sdk/mcp"
	_ "github.com/sigstore/sigstore-go/pkg/verify"
	_ "github.com/spf13/cobra"
	_ "golang.org/x/text/unicode/norm"
	_ "modernc.org/sqlite"
	_ "mvdan.cc/sh/v3/syntax"
	_ "sigs.k8s.io/yaml"
)
