--TEST--
acl: with ebla_chat.portal_enabled = 0 portal users are shut out, as actors and as partners
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
ebla_chat.portal_enabled=0
--FILE--
<?php
require __DIR__ . '/acl.inc';

acl_run(function (PDO $pdo) {
    $all = [];
    foreach (['adm' => 'admin', 'pat' => 'portal', 'pia' => 'portal', 'anna' => 'regular', 'bob' => 'regular'] as $name => $type) {
        $all[] = acl_user($pdo, $name, $type);
    }
    ec_role($pdo, 'all', 'yes', ['anna']);
    acl_dialog($pdo, ['pat', 'pia', 'anna']);

    acl_show($pdo, 'adm', $all);
    acl_show($pdo, 'anna', $all);
    acl_show($pdo, 'anna', $all, ['acl' => ['userRead' => 'all', 'portal' => 'yes']]);
    ec_throws(fn() => ebla_chat_can_chat($pdo, 'pat', 'anna'));
    ec_throws(fn() => ebla_chat_partners($pdo, 'pat'));

    // the INI entry is read on every call (PHP_INI_ALL), also for actors already cached
    ini_set('ebla_chat.portal_enabled', '1');
    acl_show($pdo, 'anna', $all);
    acl_show($pdo, 'pat', $all);
    ini_set('ebla_chat.portal_enabled', '0');
    ec_throws(fn() => ebla_chat_partners($pdo, 'pat'));
    acl_show($pdo, 'adm', $all);
});
?>
--EXPECT--
adm         -> anna, bob
anna        -> adm, bob
anna        -> adm, bob
EblaChat\ForbiddenException: Portal users cannot use the chat here (ebla_chat.portal_enabled = 0)
EblaChat\ForbiddenException: Portal users cannot use the chat here (ebla_chat.portal_enabled = 0)
anna        -> adm, bob, pat, pia
pat         -> anna, pia
EblaChat\ForbiddenException: Portal users cannot use the chat here (ebla_chat.portal_enabled = 0)
adm         -> anna, bob