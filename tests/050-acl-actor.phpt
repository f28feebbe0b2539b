--TEST--
acl: who may act (unknown, deleted, inactive, system, api users), ids and options checked first
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/acl.inc';

acl_run(function (PDO $pdo) {
    acl_user($pdo, 'anna');
    acl_user($pdo, 'bob');
    acl_user($pdo, 'ina', 'regular', ['isActive' => 0]);
    acl_user($pdo, 'system', 'system');
    acl_user($pdo, 'apiuser', 'api');
    acl_user($pdo, 'robot', 'robot');
    acl_user($pdo, 'gone');
    acl_sql($pdo, 'UPDATE `user` SET deleted = TRUE WHERE id = ?', ['gone']);
    ec_role($pdo, 'all', 'not-set', ['anna']);

    echo "-- actors\n";
    foreach (['nobody', 'gone', 'ina', 'system', 'apiuser', 'robot'] as $actor) {
        echo "$actor: ";
        ec_throws(fn() => ebla_chat_can_chat($pdo, $actor, 'anna'));
        echo "$actor (partners): ";
        ec_throws(fn() => ebla_chat_partners($pdo, $actor));
    }
    echo "anna: ", var_export(ebla_chat_can_chat($pdo, 'anna', 'bob'), true), "\n";

    echo "-- the other user\n";
    foreach (['nobody', 'gone'] as $other) {
        echo "$other: ";
        ec_throws(fn() => ebla_chat_can_chat($pdo, 'anna', $other));
    }
    echo "self: ", var_export(ebla_chat_can_chat($pdo, 'anna', 'anna'), true), "\n";

    echo "-- malformed ids\n";
    foreach (['', 'a b', str_repeat('x', 37), "an\0na", "anna'--", 'ä'] as $bad) {
        ec_throws(fn() => ebla_chat_can_chat($pdo, $bad, 'anna'));
        ec_throws(fn() => ebla_chat_can_chat($pdo, 'anna', $bad));
    }
    ec_throws(fn() => ebla_chat_partners($pdo, 'a b'));

    echo "-- options\n";
    ec_throws(fn() => ebla_chat_can_chat($pdo, 'anna', 'bob', ['search' => 'x']));
    ec_throws(fn() => ebla_chat_can_chat($pdo, 'anna', 'bob', ['acl']));
    ec_throws(fn() => ebla_chat_can_chat($pdo, 'anna', 'bob', ['acl' => 'all']));
    ec_throws(fn() => ebla_chat_partners($pdo, 'anna', ['acl' => ['all']]));
    ec_throws(fn() => ebla_chat_partners($pdo, 'anna', ['bogus' => 1]));
    // options are checked before the actor is looked up: the same answer for an unknown actor
    ec_throws(fn() => ebla_chat_partners($pdo, 'nobody', ['bogus' => 1]));

    echo "-- types\n";
    ec_throws(fn() => ebla_chat_can_chat(new stdClass(), 'anna', 'bob'));
    ec_throws(fn() => ebla_chat_can_chat($pdo, 'anna', ['bob']));
    ec_throws(fn() => ebla_chat_partners($pdo, 'anna', 'all'));
});
?>
--EXPECT--
-- actors
nobody: EblaChat\NotFoundException: User nobody not found
nobody (partners): EblaChat\NotFoundException: User nobody not found
gone: EblaChat\NotFoundException: User gone not found
gone (partners): EblaChat\NotFoundException: User gone not found
ina: EblaChat\ForbiddenException: User ina is not active
ina (partners): EblaChat\ForbiddenException: User ina is not active
system: EblaChat\ForbiddenException: The system user cannot use the chat
system (partners): EblaChat\ForbiddenException: The system user cannot use the chat
apiuser: EblaChat\ForbiddenException: API users cannot use the chat
apiuser (partners): EblaChat\ForbiddenException: API users cannot use the chat
robot: EblaChat\ForbiddenException: User robot has a user type the chat does not know
robot (partners): EblaChat\ForbiddenException: User robot has a user type the chat does not know
anna: true
-- the other user
nobody: EblaChat\NotFoundException: User nobody not found
gone: EblaChat\NotFoundException: User gone not found
self: false
-- malformed ids
EblaChat\BadRequestException: actorId is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\BadRequestException: otherUserId is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\BadRequestException: actorId is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\BadRequestException: otherUserId is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\BadRequestException: actorId is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\BadRequestException: otherUserId is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\BadRequestException: actorId is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\BadRequestException: otherUserId is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\BadRequestException: actorId is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\BadRequestException: otherUserId is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\BadRequestException: actorId is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\BadRequestException: otherUserId is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
EblaChat\BadRequestException: actorId is not a valid id: expected 1 to 36 characters of A-Z a-z 0-9 - _ .
-- options
EblaChat\BadRequestException: Unknown option "search"; known options: acl
EblaChat\BadRequestException: Unknown option at index 0: options are named
EblaChat\BadRequestException: Option "acl" must be an array
EblaChat\BadRequestException: Option "acl" must be an array with the keys userRead, portal, baselineRoleId
EblaChat\BadRequestException: Unknown option "bogus"; known options: search, limit, offset, acl
EblaChat\BadRequestException: Unknown option "bogus"; known options: search, limit, offset, acl
-- types
TypeError (not EblaChat\Exception): ebla_chat_can_chat(): Argument #1 ($pdo) must be of type PDO, stdClass given
TypeError (not EblaChat\Exception): ebla_chat_can_chat(): Argument #3 ($otherUserId) must be of type string, array given
TypeError (not EblaChat\Exception): ebla_chat_partners(): Argument #3 ($options) must be of type array, string given
