// Command depot is Depot's single binary: the server, the demo, the benchmarks, the verifier and
// the key tool. This is the only place that wires the packages together; each subcommand lives
// in its own file and every flag can also be set through the environment as DEPOT_<FLAG>
// (upper case, dashes as underscores), so containers and CI need no wrapper scripts.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
)

// subcommand is one verb of the CLI.
type subcommand struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func subcommands() map[string]subcommand {
	return map[string]subcommand{
		"serve":  {"run the server on a data directory", runServe},
		"demo":   {"run a simulated commerce business against a fresh server, with live progress", runDemo},
		"bench":  {"measure throughput and latency, optionally against a PostgreSQL baseline", runBench},
		"verify": {"replay a data directory, check every invariant and print the state hash", runVerify},
		"keys":   {"create, list and revoke API keys", runKeys},
		"intel":  {"evaluate operational intelligence against simulated incidents (intel eval)", runIntel},
	}
}

// defaultGCPercent replaces Go's default of 100 unless GOGC is set. Depot keeps its whole state
// in a long-lived, pointer-rich heap and allocates little per command, so collecting at every
// doubling spends most of the GC's work re-marking state that did not change, and each mark
// stalls the write pipeline for tens of milliseconds on a small machine. At 800 single-order
// requests (bench (j)) had a p99 under 5 ms in five of six runs, against two of six at 400
// (2026-11-27, reference VM); the heap may then reach nine times the live state, which
// defaultMemoryLimit bounds.
const defaultGCPercent = 800

// memoryLimitShare is the part of the machine's memory the collector is paced to stay under
// when GOMEMLIMIT is not set: near it, it collects as often as it must, whatever the GC percent.
const memoryLimitShare = 0.75

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		if limit := defaultMemoryLimit(); limit > 0 {
			debug.SetMemoryLimit(limit)
		}
	}
	ctx, stop := signalContext()
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "depot:", err)
		}
		os.Exit(exitCode(err))
	}
}

// signalContext ends on Ctrl-C or SIGTERM, which every long-running subcommand treats as "stop
// cleanly".
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func exitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 1
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmds := subcommands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout, cmds)
		return nil
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		usage(stderr, cmds)
		return fmt.Errorf("unknown command %q", args[0])
	}
	return cmd.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer, cmds map[string]subcommand) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "depot: the operations control plane for commerce")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "usage: depot <command> [flags]   (depot <command> --help for its flags)")
	fmt.Fprintln(w)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
}

// newFlagSet returns a flag set for a subcommand whose usage goes to stderr.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("depot "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args after applying DEPOT_* environment defaults, so that the command line
// wins over the environment and the environment over the built-in default.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		key := "DEPOT_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(key); ok && envErr == nil {
			if err := f.Value.Set(v); err != nil {
				envErr = fmt.Errorf("%s=%q: %w", key, v, err)
			}
		}
	})
	if envErr != nil {
		return envErr
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return nil
}
