/* Unit tests of what is written back on the Security Hub finding after a drift check
 * (decide/sechub_close.c): resolved after a restore, notified in dry-run, a note only after a
 * failed restore, nothing when nothing drifted or in mode off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/decide/sechub_close.h"

#include <string.h>

static void plan_with_disabled_inspector(struct sw_drift_plan *p, enum sw_mode mode)
{
    memset(p, 0, sizeof(*p));
    p->checked = mode != SW_MODE_OFF;
    p->execute = mode == SW_MODE_ENFORCE;
    p->mode = mode;
    strcpy(p->account_id, "111122223333");
    strcpy(p->region, "us-east-1");
    p->items[0].name = SW_DRIFT_INSPECTOR_ECR;
    strcpy(p->items[0].before, "DISABLED");
    strcpy(p->items[0].after, "ENABLED");
    p->item_count = mode == SW_MODE_OFF ? 0 : 1;
    p->actions[0].api = SW_DRIFT_API_INSPECTOR2_ENABLE;
    p->action_count = p->item_count;
}

static void restored_is_resolved_with_what_was_restored(void **state)
{
    (void)state;
    struct sw_drift_plan p;
    struct sw_sechub_close c;
    plan_with_disabled_inspector(&p, SW_MODE_ENFORCE);
    struct sw_action_result ok[] = {{"inspector2:Enable", true, NULL, NULL}};
    sw_sechub_close_decide(&p, ok, 1, &c);
    assert_true(c.due);
    assert_string_equal(c.workflow, "RESOLVED");
    assert_string_equal(c.note,
                        "scanwarden restored in 111122223333/us-east-1: inspector_ecr DISABLED "
                        "-> ENABLED");
}

static void dry_run_is_notified_with_what_would_be_done(void **state)
{
    (void)state;
    struct sw_drift_plan p;
    struct sw_sechub_close c;
    plan_with_disabled_inspector(&p, SW_MODE_DRY_RUN);
    sw_sechub_close_decide(&p, NULL, 0, &c);
    assert_true(c.due);
    assert_string_equal(c.workflow, "NOTIFIED");
    assert_non_null(strstr(c.note, "would restore"));
    assert_non_null(strstr(c.note, "inspector_ecr DISABLED -> ENABLED"));
}

static void failed_restore_leaves_the_status_with_a_note(void **state)
{
    (void)state;
    struct sw_drift_plan p;
    struct sw_sechub_close c;
    plan_with_disabled_inspector(&p, SW_MODE_ENFORCE);
    struct sw_action_result bad[] = {
        {"inspector2:Enable", false, "AccessDeniedException", "not authorized"}};
    sw_sechub_close_decide(&p, bad, 1, &c);
    assert_true(c.due);
    assert_null(c.workflow);
    assert_non_null(strstr(c.note, "could not restore"));
    assert_non_null(strstr(c.note, "inspector2:Enable failed: AccessDeniedException"));
    /* an action never attempted is not a restore either */
    sw_sechub_close_decide(&p, NULL, 0, &c);
    assert_true(c.due);
    assert_null(c.workflow);
    assert_non_null(strstr(c.note, "not every action was attempted"));
}

static void nothing_drifted_or_off_leaves_the_finding_alone(void **state)
{
    (void)state;
    struct sw_drift_plan p;
    struct sw_sechub_close c;
    plan_with_disabled_inspector(&p, SW_MODE_OFF);
    sw_sechub_close_decide(&p, NULL, 0, &c);
    assert_false(c.due);
    plan_with_disabled_inspector(&p, SW_MODE_ENFORCE);
    p.item_count = 0;
    p.action_count = 0;
    sw_sechub_close_decide(&p, NULL, 0, &c);
    assert_false(c.due);
    sw_sechub_close_decide(NULL, NULL, 0, &c);
    assert_false(c.due);
}

static void long_error_is_cut_within_the_note_limit_on_a_character(void **state)
{
    (void)state;
    struct sw_drift_plan p;
    struct sw_sechub_close c;
    plan_with_disabled_inspector(&p, SW_MODE_ENFORCE);
    char msg[2000];
    for (size_t i = 0; i + 2 < sizeof(msg); i += 2)
        memcpy(msg + i, "\xc3\xa9", 2); /* é */
    msg[sizeof(msg) - 2] = '\0';
    struct sw_action_result bad[] = {{"inspector2:Enable", false, "Throttling", msg}};
    sw_sechub_close_decide(&p, bad, 1, &c);
    size_t len = strlen(c.note);
    assert_true(len <= SW_SECHUB_NOTE_MAX);
    assert_true(len > SW_SECHUB_NOTE_MAX - 4);
    /* ends on a whole character: the last byte is the end of "é" */
    assert_int_equal((unsigned char)c.note[len - 1], 0xa9);
    assert_int_equal((unsigned char)c.note[len - 2], 0xc3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(restored_is_resolved_with_what_was_restored),
        cmocka_unit_test(dry_run_is_notified_with_what_would_be_done),
        cmocka_unit_test(failed_restore_leaves_the_status_with_a_note),
        cmocka_unit_test(nothing_drifted_or_off_leaves_the_finding_alone),
        cmocka_unit_test(long_error_is_cut_within_the_note_limit_on_a_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
