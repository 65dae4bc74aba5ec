package imagecfg

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Port is one port the image exposes.
type Port struct {
	Number int
	// Protocol is "tcp" or "udp".
	Protocol string
}

// portPattern keeps strconv from accepting signs such as "+80".
var portPattern = regexp.MustCompile(`^[0-9]+$`)

const portHint = "want PORT or PORT/tcp or PORT/udp with PORT from 1 to 65535, e.g. 8080 or 53/udp"

// ParsePorts parses "8080", "8080/tcp" and "53/udp"; the protocol defaults to
// tcp as in a Dockerfile EXPOSE. The same port and protocol twice is an error.
func ParsePorts(items []string) ([]Port, error) {
	seen := make(map[Port]bool, len(items))
	parsed := make([]Port, 0, len(items))
	for _, item := range items {
		port, err := parsePort(item)
		if err != nil {
			return nil, err
		}
		if seen[port] {
			return nil, fmt.Errorf("%w: port %q repeats %d/%s; want each port once", ErrInvalidOption, item, port.Number, port.Protocol)
		}
		seen[port] = true
		parsed = append(parsed, port)
	}
	return parsed, nil
}

func parsePort(item string) (Port, error) {
	number, protocol, hasProtocol := strings.Cut(item, "/")
	if !hasProtocol {
		protocol = "tcp"
	}
	if protocol != "tcp" && protocol != "udp" {
		return Port{}, fmt.Errorf("%w: port %q: protocol %q; %s", ErrInvalidOption, item, protocol, portHint)
	}
	if !portPattern.MatchString(number) {
		return Port{}, fmt.Errorf("%w: port %q: %s", ErrInvalidOption, item, portHint)
	}
	n, err := strconv.Atoi(number)
	if err != nil || n < 1 || n > 65535 {
		return Port{}, fmt.Errorf("%w: port %q out of range; %s", ErrInvalidOption, item, portHint)
	}
	return Port{Number: n, Protocol: protocol}, nil
}
