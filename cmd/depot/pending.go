package main

import (
	"context"
	"errors"
	"io"
)

// These subcommands are being built in this session; each moves to its own file when it lands.

var errPending = errors.New("not built yet")

func runServe(context.Context, []string, io.Writer, io.Writer) error { return errPending }
func runDemo(context.Context, []string, io.Writer, io.Writer) error  { return errPending }
func runBench(context.Context, []string, io.Writer, io.Writer) error { return errPending }
func runKeys(context.Context, []string, io.Writer, io.Writer) error  { return errPending }
