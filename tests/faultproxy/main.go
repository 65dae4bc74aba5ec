// Command faultproxy runs the fault-injecting registry proxy of
// tests/internal/faultproxy: the registry on -listen, its control API on
// -control.
package main

import (
	"flag"
	"log"
	"net/http"
	"net/url"

	"dagger/tests/internal/faultproxy"
)

func main() {
	listen := flag.String("listen", ":5000", "address the registry is proxied on")
	control := flag.String("control", ":8080", "address of the control API")
	upstream := flag.String("upstream", "http://registry:5000", "the registry's URL")
	flag.Parse()
	target, err := url.Parse(*upstream)
	if err != nil {
		log.Fatalf("-upstream %q: %v", *upstream, err)
	}
	p := faultproxy.New(target)
	go func() { log.Fatal(http.ListenAndServe(*control, p.Control())) }()
	log.Printf("proxying %s to %s; control on %s", *listen, target, *control)
	log.Fatal(http.ListenAndServe(*listen, p))
}
