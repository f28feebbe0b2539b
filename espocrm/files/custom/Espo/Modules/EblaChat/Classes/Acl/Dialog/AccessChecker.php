<?php

namespace Espo\Modules\EblaChat\Classes\Acl\Dialog;

use Espo\Core\Acl\AccessEntityCREDSChecker;
use Espo\Core\Acl\DefaultAccessChecker;
use Espo\Core\Acl\ScopeData;
use Espo\Core\Acl\Traits\DefaultAccessCheckerDependency;
use Espo\Entities\User;
use Espo\ORM\Entity;

/**
 * Access to a dialog is membership, whatever read level the role gives (all, own): a non-member
 * never reads a dialog, its stream or its attachments; admins read every dialog. Nobody creates,
 * edits or deletes a Dialog record through EspoCRM's generic API: the chat does it.
 *
 * @implements AccessEntityCREDSChecker<Entity>
 */
class AccessChecker implements AccessEntityCREDSChecker
{
    use DefaultAccessCheckerDependency;

    public function __construct(
        DefaultAccessChecker $defaultAccessChecker,
        private Membership $membership,
    ) {
        $this->defaultAccessChecker = $defaultAccessChecker;
    }

    /** The stream of a dialog is its messages: whoever may read dialogs may read streams. */
    public function checkStream(User $user, ScopeData $data): bool
    {
        return $this->defaultAccessChecker->checkRead($user, $data);
    }

    public function checkEntityRead(User $user, Entity $entity, ScopeData $data): bool
    {
        if ($user->isAdmin()) {
            return true;
        }

        return !$data->isFalse() && $data->getRead() !== 'no' && $this->membership->isMember($user, $entity);
    }

    public function checkEntityStream(User $user, Entity $entity, ScopeData $data): bool
    {
        return $this->checkEntityRead($user, $entity, $data);
    }

    public function checkEntityCreate(User $user, Entity $entity, ScopeData $data): bool
    {
        return false;
    }

    public function checkEntityEdit(User $user, Entity $entity, ScopeData $data): bool
    {
        return false;
    }

    public function checkEntityDelete(User $user, Entity $entity, ScopeData $data): bool
    {
        return false;
    }
}
