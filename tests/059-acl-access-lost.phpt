--TEST--
acl: system, api, inactive and deleted users are nobody's partners; a partner who leaves the team or is deactivated is out of reach at once
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/acl.inc';

acl_run(function (PDO $pdo) {
    foreach (['sup' => 'super-admin', 'adm' => 'admin', 'anna' => 'regular', 'bob' => 'regular', 'carl' => 'regular',
              'dora' => 'regular', 'sys' => 'system', 'api' => 'api', 'off' => 'regular', 'gone' => 'regular'] as $name => $type) {
        acl_user($pdo, $name, $type);
    }
    acl_sql($pdo, 'UPDATE `user` SET is_active = FALSE WHERE id = ?', ['off']);
    acl_sql($pdo, 'UPDATE `user` SET deleted = TRUE WHERE id = ?', ['gone']);
    $sales = ec_team($pdo, 'Sales', ['anna', 'bob', 'carl', 'dora', 'sys', 'api', 'off', 'gone']);
    ec_role($pdo, 'team', 'not-set', ['anna']);
    ec_role($pdo, 'all', 'not-set', ['bob']);

    echo "-- never reachable\n";
    foreach (['sup', 'adm', 'anna', 'bob'] as $actor) {
        echo str_pad($actor, 5), ': ', acl_names(ebla_chat_partners($pdo, $actor)), ' | ';
        foreach (['sys', 'api', 'off', 'gone'] as $other) {
            try {
                $answer = var_export(ebla_chat_can_chat($pdo, $actor, $other), true);
            } catch (EblaChat\NotFoundException $e) {
                $answer = 'NotFound';
            }
            echo "$other=$answer ";
        }
        echo "\n";
    }

    echo "-- losing access, in the same request\n";
    acl_show($pdo, 'anna', ['bob', 'carl', 'dora']);
    acl_sql($pdo, 'UPDATE `team_user` SET deleted = TRUE WHERE team_id = ? AND user_id = ?', [$sales, 'bob']);
    echo "bob left Sales:\n";
    acl_show($pdo, 'anna', ['bob', 'carl', 'dora']);
    acl_sql($pdo, 'UPDATE `user` SET is_active = FALSE WHERE id = ?', ['carl']);
    echo "carl deactivated:\n";
    acl_show($pdo, 'anna', ['bob', 'carl', 'dora']);
    acl_sql($pdo, "UPDATE `user` SET `type` = 'api' WHERE id = ?", ['dora']);
    echo "dora made an api user:\n";
    acl_show($pdo, 'anna', ['bob', 'carl', 'dora']);
    acl_sql($pdo, 'UPDATE `user` SET deleted = TRUE WHERE id = ?', ['dora']);
    echo "dora deleted: ";
    ec_throws(fn() => ebla_chat_can_chat($pdo, 'anna', 'dora'));
    echo "bob (all) reaches carl (inactive now)? ", var_export(ebla_chat_can_chat($pdo, 'bob', 'carl'), true), "\n";
    acl_sql($pdo, 'UPDATE `team` SET deleted = TRUE WHERE id = ?', [$sales]);
    echo "Sales deleted: ", var_export(ebla_chat_can_chat($pdo, 'anna', 'bob'), true), "\n";
});
?>
--EXPECT--
-- never reachable
sup  : adm, anna, bob, carl, dora | sys=false api=false off=false gone=NotFound 
adm  : anna, bob, carl, dora | sys=false api=false off=false gone=NotFound 
anna : bob, carl, dora | sys=false api=false off=false gone=NotFound 
bob  : adm, anna, carl, dora | sys=false api=false off=false gone=NotFound 
-- losing access, in the same request
anna        -> bob, carl, dora
bob left Sales:
anna        -> carl, dora
carl deactivated:
anna        -> dora
dora made an api user:
anna        -> (nobody)
dora deleted: EblaChat\NotFoundException: User dora not found
bob (all) reaches carl (inactive now)? false
Sales deleted: false