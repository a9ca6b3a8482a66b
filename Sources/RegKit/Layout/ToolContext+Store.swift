extension ToolContext {
    /// What a record's `registry` names: the registry's API, or the folder it spells
    /// (`storage:DIR`, `oci:DIR`).
    public func store(_ registry: RegistryAddress) -> any ImageStore {
        if let folder = registry.folder { return folder.store() }
        return RegistryStore(registry: registry, client: client)
    }
}
