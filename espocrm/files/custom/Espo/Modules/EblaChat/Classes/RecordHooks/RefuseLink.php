<?php

namespace Espo\Modules\EblaChat\Classes\RecordHooks;

use Espo\Core\Exceptions\Forbidden;
use Espo\Core\Record\Hook\LinkHook;
use Espo\Core\Record\Hook\UnlinkHook;
use Espo\ORM\Entity;

/**
 * EspoCRM's generic relationship API (POST/DELETE Dialog/:id/users, User/:id/eblaDialogs,
 * <Parent>/:id/eblaDialogs) would add members without the partner check and with the whole history
 * unread, or move a dialog to another record: refused for the chat's links; the chat API
 * (EblaChat/dialogs/:id/members) does it.
 *
 * @implements LinkHook<Entity>
 * @implements UnlinkHook<Entity>
 */
class RefuseLink implements LinkHook, UnlinkHook
{
    /** @throws Forbidden */
    public function process(Entity $entity, string $link, Entity $foreignEntity): void
    {
        if ($entity->getEntityType() === 'Dialog' || $foreignEntity->getEntityType() === 'Dialog') {
            throw new Forbidden('Dialog members and parents are changed through the chat API (api/v1/EblaChat/...).');
        }
    }
}
