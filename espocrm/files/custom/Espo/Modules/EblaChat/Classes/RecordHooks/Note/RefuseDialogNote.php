<?php

namespace Espo\Modules\EblaChat\Classes\RecordHooks\Note;

use Espo\Core\Exceptions\Forbidden;
use Espo\Core\Record\CreateParams;
use Espo\Core\Record\DeleteParams;
use Espo\Core\Record\Hook\CreateHook;
use Espo\Core\Record\Hook\DeleteHook;
use Espo\Core\Record\Hook\UpdateHook;
use Espo\Core\Record\UpdateParams;
use Espo\ORM\Entity;

/**
 * A stream post on a Dialog is a chat message: posting, editing or deleting it through EspoCRM's
 * generic Note API would bypass the membership rules, the counters and the events, so it is
 * refused; EblaChat/dialogs/:id/messages and EblaChat/messages/:id do it.
 *
 * @implements CreateHook<Entity>
 * @implements UpdateHook<Entity>
 * @implements DeleteHook<Entity>
 */
class RefuseDialogNote implements CreateHook, UpdateHook, DeleteHook
{
    /**
     * @param CreateParams|UpdateParams|DeleteParams $params
     * @throws Forbidden
     */
    public function process(Entity $entity, $params): void
    {
        $parentType = $entity->get('parentType');
        $fetchedParentType = $entity->isNew() ? null : $entity->getFetched('parentType');

        if ($parentType === 'Dialog' || $fetchedParentType === 'Dialog') {
            throw new Forbidden(
                'Chat messages are posted, edited and deleted through the chat API (api/v1/EblaChat/...).'
            );
        }
    }
}
