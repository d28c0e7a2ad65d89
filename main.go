package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/sms-gateway/terraform-provider-sms/internal/provider"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// version is set by the release build (goreleaser's ldflags).
var version = "dev"

// providerAddress is the provider's address in the registry, which
// terraform-plugin-go also names the provider's log level after.
const providerAddress = "registry.terraform.io/sms-gateway/sms"

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "sandbox":
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			code := sandbox.Main(ctx, os.Args[2:], os.Stdout, os.Stderr)
			stop()
			os.Exit(code)
		case "version", "--version", "-version":
			fmt.Println("terraform-provider-sms", version)
			return
		case "help", "-h", "-help", "--help":
			printUsage(os.Stdout)
			return
		}
	}

	// Terraform starts the binary with no arguments: that serves the
	// provider, as does -debug; any other flag or argument, such as a
	// mistyped command, is a usage error.
	var debug bool
	flag.BoolVar(&debug, "debug", false, "serve the provider for a debugger such as delve and print the TF_REATTACH_PROVIDERS value to use")
	flag.Usage = func() { printUsage(flag.CommandLine.Output()) }
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(flag.CommandLine.Output(), "unknown command %q\n", flag.Arg(0))
		flag.Usage()
		os.Exit(2)
	}
	if err := providerTuning(os.Getenv).apply(); err != nil {
		log.Fatal(err.Error())
	}

	if err := serve(debug); err != nil {
		log.Fatal(err.Error())
	}
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `usage: terraform-provider-sms [command] [flags]

Without a command the binary serves the provider to Terraform or OpenTofu,
which start it themselves.

Commands:
  sandbox   serve a local copy of the gateway's key-management API (see sandbox -h)
  version   print the provider's version

Flags without a command:
  -debug    serve the provider for a debugger such as delve and print the
            TF_REATTACH_PROVIDERS value to use
  -h        print this help
`)
}

// serve serves the provider as providerserver.Serve would, with the
// framework's server wrapped so that it lets go of each call's context.
func serve(debug bool) error {
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	return tf6server.Serve(providerAddress, func() tfprotov6.ProviderServer {
		return releaseContexts(providerserver.NewProtocol6(provider.New(version)())())
	}, opts...)
}
