# The two commands of README.md. Both run the set-up first: scripts/setup.sh checks the
# libcurl, libxml2 and sqlite3 development packages with pkg-config and installs the missing
# ones with apt-get (as root), or prints the one `sudo apt-get install …` line to run.

SWIFT  ?= swift
CONFIG ?= feeds.yml

.PHONY: all setup build run test release clean

all: build

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build

# Herold's main job: one poll round over every source of $(CONFIG).
run: build
	$(SWIFT) run herold fetch --config $(CONFIG)

test: setup
	$(SWIFT) test

release: setup
	$(SWIFT) build -c release

clean:
	rm -rf .build
