package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/sms-gateway/terraform-provider-sms/internal/provider"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// version is set by the release build (goreleaser's ldflags).
var version = "dev"

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
		}
	}

	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()
	if err := providerTuning(os.Getenv).apply(); err != nil {
		log.Fatal(err.Error())
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/sms-gateway/sms",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
