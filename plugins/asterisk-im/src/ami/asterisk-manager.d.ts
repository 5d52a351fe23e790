/** The part of asterisk-manager 0.2.0 we use. Its objects carry lowercased keys. */
declare module 'asterisk-manager' {
  function Manager(port?: number, host?: string, username?: string, password?: string, events?: boolean): Manager.ManagerInstance;

  namespace Manager {
    type RawAmiValue = string | string[] | Record<string, string>;
    type RawAmiObject = Record<string, RawAmiValue>;

    interface ManagerInstance {
      on(event: 'rawevent', listener: (raw: RawAmiObject) => void): void;
      removeAllListeners(event?: string): void;
      connect(port: number, host: string, callback?: (error: unknown) => void): void;
      login(callback: (error?: RawAmiObject) => void): void;
      action(action: Record<string, string | Record<string, string>>, callback?: (error?: RawAmiObject) => void): string;
    }
  }

  export = Manager;
}
