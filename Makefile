# Per-function packaging for `sam build` (BuildMethod: makefile). SAM runs `make build-<LogicalId>` with
# ARTIFACTS_DIR set, from a scratch copy of the function's CodeUri; this file finds the project from its own
# path, so one Maven run packages every function and each target copies out only its own function:
#
#   $(ARTIFACTS_DIR)/lib/intake-<module>.jar   the handler classes and all its runtime dependencies (intake-shared,
#                                              the SDK, Jackson…) in one jar of stored (uncompressed) entries
#
# with the AWS SDK and the Lambda events library shrunk to what Intake's code reaches (packaging/shrink.sh) and
# the jars merged into one (packaging/merge-jars.py), which the Lambda Java runtime puts on its classpath. Test and local-stack dependencies never
# enter an artifact. `make package` builds every function's directory and zip under target/lambda/ without SAM.
SHELL := /bin/bash
ROOT := $(dir $(abspath $(lastword $(MAKEFILE_LIST))))
comma := ,
space := $(subst ,, )
MVN := ./mvnw -B -ntp -q
OUT := $(ROOT)target/lambda
STAMP := $(OUT)/maven.stamp

# Function module directory (under functions/) of each template function, by logical id.
FUNCTIONS := SubmitFunction=submit ActionFunction=action FormsFunction=forms SubmissionsFunction=submissions \
	PeopleFunction=people TrackFunction=track CampaignsFunction=campaigns CampaignTriggerFunction=campaign-trigger \
	EventRelayFunction=relay AuthorizerFunction=authorizer AdminFunction=admin
module = $(patsubst $(1)=%,%,$(filter $(1)=%,$(FUNCTIONS)))
MODULES := $(foreach f,$(FUNCTIONS),functions/$(word 2,$(subst =, ,$(f))))

SOURCES := $(ROOT)Makefile $(shell find $(ROOT)shared/src/main $(addprefix $(ROOT),$(addsuffix /src/main,$(MODULES))) -type f 2>/dev/null) \
	$(wildcard $(ROOT)pom.xml $(ROOT)shared/pom.xml $(addprefix $(ROOT),$(addsuffix /pom.xml,$(MODULES)))) \
	$(wildcard $(ROOT)packaging/*)

# One Maven run for all functions: each module's jar, and its runtime dependencies in target/lambda-lib
# (emptied first, so that a dependency dropped from a pom leaves the artifacts too).
$(STAMP): $(SOURCES)
	rm -rf $(addprefix $(ROOT),$(addsuffix /target/lambda-lib,$(MODULES)))
	cd $(ROOT) && . bin/select-jdk.sh && $(MVN) -pl $(subst $(space),$(comma),$(MODULES)) -am -DskipTests \
		package dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lambda-lib
	$(ROOT)packaging/shrink.sh
	mkdir -p $(OUT) && touch $@

# $(1) = module name, $(2) = destination directory.
define copy_function
	rm -rf $(2)/lib && mkdir -p $(2)/lib
	cp $(ROOT)functions/$(1)/target/lambda-lib/*.jar $(2)/lib/
	for jar in $(OUT)/shrunk/*.jar; do [ ! -e "$(2)/lib/$$(basename "$$jar")" ] || cp "$$jar" $(2)/lib/; done
	cp $(ROOT)functions/$(1)/target/intake-function-$(1)-*.jar $(2)/lib/intake-function-$(1).jar
	python3 $(ROOT)packaging/merge-jars.py $(2)/lib $(2)/lib/intake-$(1).jar
endef

build-%: $(STAMP)
	@test -n "$(call module,$*)" || { echo "Makefile: no function module for $*; add it to FUNCTIONS" >&2; exit 1; }
	@test -n "$(ARTIFACTS_DIR)" || { echo "Makefile: ARTIFACTS_DIR is not set (sam build sets it)" >&2; exit 1; }
	$(call copy_function,$(call module,$*),$(ARTIFACTS_DIR))

# Without SAM: target/lambda/<module>/ and target/lambda/<module>.zip for every function.
package: $(addprefix package-,$(foreach f,$(FUNCTIONS),$(word 1,$(subst =, ,$(f)))))

package-%: $(STAMP)
	$(call copy_function,$(call module,$*),$(OUT)/$(call module,$*))
	cd $(OUT)/$(call module,$*) && rm -f ../$(call module,$*).zip && . $(ROOT)bin/select-jdk.sh && jar -c -M -f ../$(call module,$*).zip lib
	@echo "$*: $$(du -k $(OUT)/$(call module,$*).zip | cut -f1) KB"

.PHONY: package
