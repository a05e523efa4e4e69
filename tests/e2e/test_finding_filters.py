"""End-to-end tests of the finding filters (docs/configuration.md, "Finding filters and
Inspector suppression rules"): FINDING_REPOSITORY_FILTERS and FINDING_FIX_AVAILABLE_ONLY decide
which findings are notified; the others are answered handled, not notified, with a reason, and
publish nothing."""

import unittest

from harness import WorldTestCase, run_function


class FindingFilters(WorldTestCase):
    def finding(self, repository, fix="YES", finding_id="f-1"):
        w = self.world
        ev = w.finding_event(finding_id=finding_id)
        d = ev["detail"]
        d["fixAvailable"] = fix
        for r in d["resources"]:
            for key in ("awsEcrContainerImage", "image"):
                img = r.get("details", {}).get(key)
                if img is not None:
                    img["repositoryName"] = repository
        return ev

    def test_findings_of_other_repositories_are_not_notified(self):
        w = self.world
        env = w.function_env(FINDING_REPOSITORY_FILTERS="prod-*,team/app")
        run = self.run_ok([self.finding("sandbox", finding_id="f-sandbox"),
                           self.finding("prod-api", finding_id="f-prod"),
                           self.finding("team/app", finding_id="f-team")], env)
        filtered, prod, team = run.invocations
        self.assertTrue(filtered.ok, filtered)
        self.assertEqual((filtered.body["handled"], filtered.body["notified"],
                          filtered.body["reason"]), (True, False, "repository-filtered"))
        self.assertTrue(prod.body["notified"], prod)
        self.assertTrue(team.body["notified"], team)
        notes = w.notifications(expect=2)
        self.assertEqual(len(notes), 2, notes)
        self.assertFalse(any("sandbox" in n.message for n in notes))

    def test_fix_available_only_drops_findings_without_a_fix(self):
        w = self.world
        env = w.function_env(FINDING_FIX_AVAILABLE_ONLY="on")
        run = self.run_ok([self.finding("prod-api", fix="NO", finding_id="f-nofix"),
                           self.finding("prod-api", fix="PARTIAL", finding_id="f-partial")], env)
        nofix, partial = run.invocations
        self.assertEqual((nofix.body["notified"], nofix.body["reason"]),
                         (False, "no-fix-available"))
        self.assertTrue(partial.body["notified"], partial)
        self.assertEqual(len(w.notifications(expect=1)), 1)

    def test_without_filters_every_repository_is_notified(self):
        w = self.world
        run = self.run_ok([self.finding("sandbox", fix="NO", finding_id="f-any")])
        self.assertTrue(run.invocations[0].body["notified"], run.invocations[0])
        self.assertEqual(len(w.notifications(expect=1)), 1)

    def test_an_invalid_filter_is_a_configuration_error(self):
        w = self.world
        run = run_function(w, [self.finding("prod-api")],
                           w.function_env(FINDING_REPOSITORY_FILTERS="prod-*,,x"))
        self.assertIsNotNone(run.init_error, run.log)
        self.assertEqual(run.init_error.error_type, "Runtime.InvalidConfiguration")
        self.assertIn("FINDING_REPOSITORY_FILTERS", run.init_error.body["errorMessage"])
        self.assertEqual(run.invocations, [])
        self.assertEqual(w.notifications(), [])


if __name__ == "__main__":
    unittest.main()
