-- The chat's own tables dialog, dialog_user and dialog_reader as docs/design.md ("Tables") defines them, in the format
-- of SHOW CREATE TABLE on MariaDB 10.11. Reference for tests/013-espocrm-schema.phpt.
CREATE TABLE `dialog` (
  `id` varchar(17) NOT NULL,
  `name` varchar(255) DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT 0,
  `type` varchar(16) DEFAULT 'Direct',
  `direct_key` varchar(255) DEFAULT NULL,
  `parent_id` varchar(17) DEFAULT NULL,
  `parent_type` varchar(100) DEFAULT NULL,
  `created_at` datetime DEFAULT NULL,
  `modified_at` datetime DEFAULT NULL,
  `created_by_id` varchar(17) DEFAULT NULL,
  `modified_by_id` varchar(17) DEFAULT NULL,
  `last_message_at` datetime DEFAULT NULL,
  `last_message_id` varchar(17) DEFAULT NULL,
  `last_message_number` bigint(20) NOT NULL DEFAULT 0,
  `message_count` bigint(20) NOT NULL DEFAULT 0,
  `activity` bigint(20) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  UNIQUE KEY `UNIQ_DIRECT_KEY` (`direct_key`),
  KEY `IDX_PARENT` (`parent_id`,`parent_type`),
  KEY `IDX_CREATED_BY_ID` (`created_by_id`),
  KEY `IDX_MODIFIED_BY_ID` (`modified_by_id`),
  KEY `IDX_ACTIVITY` (`activity`),
  KEY `IDX_DELETED` (`deleted`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
;

CREATE TABLE `dialog_user` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `dialog_id` varchar(17) DEFAULT NULL,
  `user_id` varchar(17) DEFAULT NULL,
  `deleted` tinyint(1) DEFAULT 0,
  `read_count` bigint(20) NOT NULL DEFAULT 0,
  `last_read_number` bigint(20) NOT NULL DEFAULT 0,
  `notified_number` bigint(20) NOT NULL DEFAULT 0,
  `mention_count` int(11) NOT NULL DEFAULT 0,
  `is_muted` tinyint(1) NOT NULL DEFAULT 0,
  `joined_at` datetime DEFAULT NULL,
  `unread_hint` tinyint(1) NOT NULL DEFAULT 0,
  `list_number` bigint(20) NOT NULL DEFAULT 0,
  `counted` tinyint(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  UNIQUE KEY `UNIQ_USER_ID_DIALOG_ID` (`user_id`,`dialog_id`),
  KEY `IDX_DIALOG_ID` (`dialog_id`),
  KEY `IDX_USER_UNREAD` (`user_id`,`unread_hint`,`deleted`,`dialog_id`,`read_count`,`is_muted`,`last_read_number`,`notified_number`),
  KEY `IDX_USER_LIST` (`user_id`,`deleted`,`list_number`,`dialog_id`),
  KEY `IDX_USER_COUNTED` (`user_id`,`deleted`,`counted`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
;

CREATE TABLE `dialog_reader` (
  `id` varchar(17) NOT NULL,
  `activity` bigint(20) NOT NULL DEFAULT 0,
  `dialog_count` bigint(20) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
;
